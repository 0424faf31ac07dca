//! `detente serve` and `detente token create`: the HTTP server of
//! detente-server on a tokio runtime, and its API tokens.

use std::io::Write;

use anyhow::Context;
use detente_server::store::Store;
use detente_server::{AppState, Settings};

use crate::args::{DatabaseFlags, ServeArgs, TokenCreateArgs};

pub(crate) const SERVE_HELP: &str = "\
The dashboard is at /, the API under /api (docs/api.md; OpenAPI document at /api/openapi.json). \
Writes need `Authorization: Bearer TOKEN`; `detente token create` makes a token. A new database is \
created, migrated and loaded with the bundled scenarios on first start. Ctrl-C or SIGTERM stops the \
server: running jobs are cancelled and recorded as such. Logs go to stderr: DETENTE_LOG=debug for \
more, DETENTE_LOG_FORMAT=json for one JSON object a line.";

/// `--database-url`, else `$DETENTE_DATABASE_URL`, else the default SQLite file.
fn database_url(flags: &DatabaseFlags) -> anyhow::Result<String> {
    if let Some(url) = &flags.database_url {
        return Ok(url.clone());
    }
    if let Ok(url) = std::env::var("DETENTE_DATABASE_URL") {
        if !url.trim().is_empty() {
            return Ok(url);
        }
    }
    let path = detente_server::default_database_path()
        .context("this system has no user data directory; pass --database-url")?;
    Ok(path.display().to_string())
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")
}

/// `detente serve`.
pub(crate) fn run_serve(args: &ServeArgs) -> anyhow::Result<()> {
    detente_server::init_tracing();
    let url = database_url(&args.database)?;
    let defaults = Settings::default();
    let settings = Settings {
        open_reads: args.bind.ip().is_loopback(),
        workers: args.workers.unwrap_or(defaults.workers).max(1),
        ..defaults
    };
    runtime()?.block_on(async {
        let state = AppState::connect_with(&url, settings).await.context("cannot open the database")?;
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .with_context(|| format!("cannot listen on {}", args.bind))?;
        let address = listener.local_addr().context("cannot read the address listened on")?;
        let store = state.store();
        let mut out = std::io::stdout().lock();
        writeln!(out, "Detente {} serving on http://{address}", env!("CARGO_PKG_VERSION"))?;
        if detente_server::assets::dashboard_built() {
            writeln!(out, "  dashboard: http://{address}/")?;
        } else {
            writeln!(out, "  dashboard: http://{address}/ (not built into this binary: a page says how)")?;
        }
        writeln!(out, "  API:       http://{address}/api (OpenAPI: http://{address}/api/openapi.json)")?;
        writeln!(out, "  database:  {} ({})", store.location(), store.backend().name())?;
        if state.settings().open_reads {
            writeln!(out, "  writes need an API token: detente token create --database-url {}", shell_word(&url))?;
        } else {
            writeln!(out, "  not on loopback: reads and writes need an API token (detente token create)")?;
        }
        writeln!(out, "Ctrl-C stops the server.")?;
        out.flush()?;
        drop(out);
        detente_server::serve(listener, state).await.context("the server stopped on an error")?;
        Ok(())
    })
}

/// `detente token create`.
pub(crate) fn run_token_create(args: &TokenCreateArgs) -> anyhow::Result<()> {
    let url = database_url(&args.database)?;
    runtime()?.block_on(async {
        let store = Store::connect(&url).await.context("cannot open the database")?;
        let token = store.create_token().await.context("cannot store the token")?;
        store.close().await;
        println!("{token}");
        eprintln!(
            "This token is shown once: the database ({}) keeps only its SHA-256. Send it as \
             `Authorization: Bearer <token>`.",
            store.location()
        );
        Ok(())
    })
}

/// A value as one shell word, quoted if it needs to be.
fn shell_word(text: &str) -> String {
    if text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-:@%+=,".contains(c)) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
