//! Copies the dashboard's built files (`assets/dist/`, written by `web/`'s
//! build) into `$OUT_DIR/dist`, which `include_dir!` embeds, and reruns when
//! they change. A missing or empty folder gives an empty one: the server then
//! says that the dashboard is not built.

use std::path::Path;

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    let Ok(entries) = std::fs::read_dir(from) else { return Ok(()) };
    for entry in entries {
        let entry = entry?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            copy_tree(&source, &target)?;
        } else if entry.file_name() != ".gitkeep" {
            std::fs::copy(&source, &target)?;
        }
    }
    Ok(())
}

fn main() {
    println!("cargo:rerun-if-changed=assets/dist");
    println!("cargo:rerun-if-changed=migrations");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let target = Path::new(&out).join("dist");
    // Files removed from assets/dist must leave the binary too.
    let _ = std::fs::remove_dir_all(&target);
    copy_tree(Path::new("assets/dist"), &target).expect("cannot copy assets/dist into OUT_DIR");
}
