//! Pictures of forecasts, as SVG or PNG: the actors' trajectories and the
//! sensitivity tornado, each one small panel per issue in a grid, with a
//! shared legend on the right.
//!
//! Like the utility-space picture (`plot.rs`, whose font, text fitting and
//! format detection these reuse), each picture is drawn by one generic
//! function for both backends, so the SVG and the PNG cannot drift apart.

use std::path::Path;

use anyhow::{Context, anyhow};
use detente_forecast::sensitivity::{Sensitivity, TornadoBar};
use detente_forecast::{Forecast, Input, Scale, Stop};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::forecast::fmt_units;
use crate::plot::{
    CAPTION_COLOUR, DrawResult, PictureFormat, TEXT_COLOUR, fit_text, register_bundled_font, text_style,
};

/// One colour per actor (Tableau 10); more actors than colours reuse them.
const ACTOR_COLOURS: [RGBColor; 10] = [
    RGBColor(0x1F, 0x77, 0xB4),
    RGBColor(0xFF, 0x7F, 0x0E),
    RGBColor(0x2C, 0xA0, 0x2C),
    RGBColor(0xD6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xBD),
    RGBColor(0x8C, 0x56, 0x4B),
    RGBColor(0xE3, 0x77, 0xC2),
    RGBColor(0x7F, 0x7F, 0x7F),
    RGBColor(0xBC, 0xBD, 0x22),
    RGBColor(0x17, 0xBE, 0xCF),
];
const FORECAST_COLOUR: RGBColor = RGBColor(0x22, 0x22, 0x22);
const LOW_COLOUR: RGBColor = RGBColor(0x2B, 0x6C, 0xB0);
const HIGH_COLOUR: RGBColor = RGBColor(0xE0, 0x7B, 0x25);
const GRID_COLOUR: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

const HEADER_HEIGHT: u32 = 78;
const LEGEND_WIDTH: u32 = 280;
const TRAJECTORY_PANEL: (u32, u32) = (420, 300);
/// A tornado panel's width; its height grows with the bars shown.
const TORNADO_PANEL_WIDTH: u32 = 600;
/// Room left of a tornado panel's bars for the inputs' labels.
const TORNADO_LABEL_WIDTH: u32 = 240;
/// A panel's own title, above its chart.
const PANEL_TITLE_HEIGHT: u32 = 28;

/// Panels in a grid of about square shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Grid {
    rows: usize,
    cols: usize,
    panel: (u32, u32),
}

impl Grid {
    fn new(panels: usize, panel: (u32, u32)) -> Grid {
        let panels = panels.max(1);
        let cols = ((panels as f64).sqrt().ceil() as usize).clamp(1, panels);
        Grid { rows: panels.div_ceil(cols), cols, panel }
    }

    fn size(&self) -> (u32, u32) {
        (self.cols as u32 * self.panel.0 + LEGEND_WIDTH, HEADER_HEIGHT + self.rows as u32 * self.panel.1 + 12)
    }
}

/// Draws with the backend the extension names.
macro_rules! render {
    ($path:expr, $size:expr, $draw:ident ( $($arg:expr),* )) => {{
        let path: &Path = $path;
        let format = PictureFormat::of(path)?;
        register_bundled_font()?;
        let drawn = match format {
            PictureFormat::Svg => $draw(SVGBackend::new(path, $size).into_drawing_area(), $($arg),*)
                .map_err(|e| anyhow!("{e}")),
            PictureFormat::Png => $draw(BitMapBackend::new(path, $size).into_drawing_area(), $($arg),*)
                .map_err(|e| anyhow!("{e}")),
        };
        drawn.with_context(|| format!("cannot write the picture to {}", path.display()))
    }};
}

/// The actors' positions round by round, one panel per issue, with the
/// forecast as a dashed line; a closed-form model's panels show each actor's
/// position as a point.
pub(crate) fn plot_trajectories(
    title: &str,
    input: &Input,
    forecast: &Forecast,
    actor_names: &[String],
    path: &Path,
) -> anyhow::Result<()> {
    let grid = Grid::new(input.issues.len(), TRAJECTORY_PANEL);
    let picture = Trajectories { title, input, forecast, actor_names, grid };
    render!(path, grid.size(), draw_trajectories(&picture))
}

/// Each issue's `top` inputs by swing: bars from the base forecast to the
/// forecast with the input at its low and at its high value.
pub(crate) fn plot_tornado(
    title: &str,
    input: &Input,
    result: &Sensitivity,
    labels: &[String],
    top: usize,
    path: &Path,
) -> anyhow::Result<()> {
    let shown = result.issues.iter().map(|i| shown_bars(&i.tornado, top).len()).max().unwrap_or(0).max(1);
    let height = PANEL_TITLE_HEIGHT + 70 + 34 * shown as u32;
    let grid = Grid::new(input.issues.len(), (TORNADO_PANEL_WIDTH, height.max(200)));
    let picture = Tornado { title, input, result, labels, top, grid };
    render!(path, grid.size(), draw_tornado(&picture))
}

/// The bars a tornado panel shows: the first `top` that move the forecast.
fn shown_bars(bars: &[TornadoBar], top: usize) -> Vec<&TornadoBar> {
    bars.iter().filter(|b| b.swing > 0.0).take(top).collect()
}

struct Trajectories<'a> {
    title: &'a str,
    input: &'a Input,
    forecast: &'a Forecast,
    actor_names: &'a [String],
    grid: Grid,
}

struct Tornado<'a> {
    title: &'a str,
    input: &'a Input,
    result: &'a Sensitivity,
    labels: &'a [String],
    top: usize,
    grid: Grid,
}

/// The picture's areas: the panels in row-major order, and the legend.
type Areas<DB> = (Vec<DrawingArea<DB, Shift>>, DrawingArea<DB, Shift>);

fn layout<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    grid: Grid,
    title: &str,
    caption: &str,
) -> Result<Areas<DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (header, body) = root.split_vertically(HEADER_HEIGHT);
    let text_width = root.dim_in_pixel().0 as i32 - 40;
    let (title, style) = fit_text(root, title, (26.0, 16.0), &TEXT_COLOUR, text_width)?;
    header.draw_text(&title, &style, (20, 12))?;
    let (caption, style) = fit_text(root, caption, (16.0, 12.0), &CAPTION_COLOUR, text_width)?;
    header.draw_text(&caption, &style, (20, 48))?;
    let (panels, legend) = body.split_horizontally(grid.cols as u32 * grid.panel.0);
    let panels = panels.split_evenly((grid.rows, grid.cols));
    Ok((panels, legend))
}

/// A panel's title, the issue's name, fitted to the panel.
fn panel_title<DB: DrawingBackend>(panel: &DrawingArea<DB, Shift>, scale: &Scale) -> DrawResult<DB> {
    let width = panel.dim_in_pixel().0 as i32 - 24;
    let (text, style) = fit_text(panel, &scale.name, (16.0, 12.0), &TEXT_COLOUR, width)?;
    panel.draw_text(&text, &style, (12, 6))
}

/// A value on the axis of an issue: the option's name (shortened) at whole
/// option indices of a discrete issue, nothing between them; the number on a
/// numeric issue.
fn tick_label(scale: &Scale, value: f64) -> String {
    match &scale.options {
        Some(options) => {
            let k = value.round();
            if (value - k).abs() > 1e-6 || k < 0.0 || k as usize >= options.len() {
                return String::new();
            }
            format!("{k:.0} {}", shorten(&options[k as usize], 15))
        }
        None => fmt_units(scale, value),
    }
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(max_chars - 1).collect();
        short.push('…');
        short
    }
}

/// The issue's scale with a margin, so that lines on the ends stay visible.
fn padded_scale(scale: &Scale) -> (f64, f64) {
    let margin = scale.span() * 0.06;
    (scale.min - margin, scale.max + margin)
}

fn draw_trajectories<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, picture: &Trajectories<'_>) -> DrawResult<DB> {
    let f = picture.forecast;
    let closed = f.stop == Stop::ClosedForm || f.rounds() == 0;
    let caption = if closed {
        "closed form: each point is an actor's position (left to right in the legend's order); dashed: the forecast"
            .to_owned()
    } else {
        let stop = if f.stop == Stop::Converged { "converged" } else { "stopped at the round limit" };
        format!("{} rounds, {stop}: each line is an actor's position by round; dashed: the forecast", f.rounds())
    };
    let (panels, legend) = layout(&root, picture.grid, picture.title, &caption)?;
    for ((k, scale), panel) in picture.input.issues.iter().enumerate().zip(&panels) {
        trajectory_panel(panel, picture, k, scale, closed)?;
    }

    let style = text_style(15.0, &TEXT_COLOUR).pos(Pos::new(HPos::Left, VPos::Center));
    let mut y = 24;
    for (a, name) in picture.actor_names.iter().enumerate() {
        let colour = ACTOR_COLOURS[a % ACTOR_COLOURS.len()];
        if closed {
            legend.draw(&Circle::new((26, y), 5, colour.filled()))?;
        } else {
            legend.draw(&PathElement::new([(14, y), (38, y)], colour.stroke_width(3)))?;
        }
        let (text, _) = fit_text(&legend, name, (15.0, 15.0), &TEXT_COLOUR, LEGEND_WIDTH as i32 - 64)?;
        legend.draw_text(&text, &style, (48, y))?;
        y += 26;
    }
    y += 6;
    legend.draw(&DashedPathElement::new([(14, y), (38, y)], 6, 4, FORECAST_COLOUR.stroke_width(2)))?;
    legend.draw_text(&format!("forecast ({})", f.model), &style, (48, y))?;
    root.present()
}

fn trajectory_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    picture: &Trajectories<'_>,
    k: usize,
    scale: &Scale,
    closed: bool,
) -> DrawResult<DB> {
    panel_title(panel, scale)?;
    let f = picture.forecast;
    let actors = picture.input.actors.len();
    let x_range = if closed { (-0.5, actors as f64 - 0.5) } else { (0.0, f.rounds() as f64) };
    let (low, high) = padded_scale(scale);
    let y_label_width = if scale.options.is_some() { 132 } else { 52 };
    let mut chart = ChartBuilder::on(panel)
        .margin_top(PANEL_TITLE_HEIGHT)
        .margin_left(8)
        .margin_right(16)
        .margin_bottom(6)
        .x_label_area_size(36)
        .y_label_area_size(y_label_width)
        .build_cartesian_2d(x_range.0..x_range.1, low..high)?;
    let y_labels = scale.options.as_ref().map_or(6, |o| o.len().max(2) * 2 - 1);
    let x_formatter = |x: &f64| {
        let r = x.round();
        if closed || (x - r).abs() > 1e-6 { String::new() } else { format!("{r:.0}") }
    };
    let y_formatter = |y: &f64| tick_label(scale, *y);
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(if closed { "actors" } else { "round" })
        .axis_desc_style(text_style(13.0, &CAPTION_COLOUR))
        .label_style(text_style(12.0, &TEXT_COLOUR))
        .bold_line_style(GRID_COLOUR)
        .max_light_lines(0)
        .y_labels(y_labels)
        .x_label_formatter(&x_formatter)
        .y_label_formatter(&y_formatter);
    if closed {
        mesh.disable_x_mesh().x_labels(0);
    } else {
        mesh.x_labels(f.rounds().clamp(1, 8) + 1);
    }
    mesh.draw()?;

    for a in 0..actors {
        let colour = ACTOR_COLOURS[a % ACTOR_COLOURS.len()];
        if closed {
            let point = (a as f64, scale.denormalise(f.trajectory[0][a][k]));
            chart.draw_series(std::iter::once(Circle::new(point, 5, colour.filled())))?;
        } else {
            let line = f.trajectory.iter().enumerate().map(|(r, round)| (r as f64, scale.denormalise(round[a][k])));
            chart.draw_series(LineSeries::new(line, colour.stroke_width(2)))?;
        }
    }
    let y = scale.denormalise(f.outcome[k]);
    chart.draw_series(DashedLineSeries::new(
        [(x_range.0, y), (x_range.1, y)],
        7,
        4,
        ShapeStyle::from(FORECAST_COLOUR).stroke_width(2),
    ))?;
    Ok(())
}

fn draw_tornado<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, picture: &Tornado<'_>) -> DrawResult<DB> {
    let r = picture.result;
    let mut caption = format!(
        "the {} inputs that move each issue's forecast most, one at a time; {} Monte Carlo runs, seed {}",
        picture.top, r.runs, r.seed
    );
    if r.failed_runs > 0 {
        caption.push_str(&format!(" ({} failed and left out)", r.failed_runs));
    }
    let (panels, legend) = layout(&root, picture.grid, picture.title, &caption)?;
    for ((scale, issue), panel) in picture.input.issues.iter().zip(&r.issues).zip(&panels) {
        tornado_panel(panel, picture, scale, &issue.tornado, issue.base)?;
    }

    let style = text_style(15.0, &TEXT_COLOUR).pos(Pos::new(HPos::Left, VPos::Center));
    let detail = text_style(13.0, &CAPTION_COLOUR).pos(Pos::new(HPos::Left, VPos::Center));
    let mut y = 24;
    for (colour, text) in [(LOW_COLOUR, "input at its low value"), (HIGH_COLOUR, "input at its high value")] {
        legend.draw(&Rectangle::new([(16, y - 7), (36, y + 7)], colour.filled()))?;
        legend.draw_text(text, &style, (48, y))?;
        y += 28;
    }
    legend.draw(&DashedPathElement::new([(26, y - 10), (26, y + 10)], 5, 3, FORECAST_COLOUR.stroke_width(2)))?;
    legend.draw_text("base forecast", &style, (48, y))?;
    y += 30;
    for line in
        ["low and high: ± the spread (uniform)", "or ± 1.645 σ (normal)", "bars end at the issue's", "forecast then"]
    {
        legend.draw_text(line, &detail, (16, y))?;
        y += 18;
    }
    root.present()
}

fn tornado_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    picture: &Tornado<'_>,
    scale: &Scale,
    bars: &[TornadoBar],
    base: f64,
) -> DrawResult<DB> {
    panel_title(panel, scale)?;
    let bars = shown_bars(bars, picture.top);
    let base = scale.denormalise(base);
    let values = bars.iter().flat_map(|b| [scale.denormalise(b.low), scale.denormalise(b.high)]);
    let (low, high) = values.fold((base, base), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let margin = ((high - low) * 0.08).max(scale.span() * 0.005);
    let x_range = (low - margin, high + margin);
    let n = bars.len().max(1);
    let mut chart = ChartBuilder::on(panel)
        .margin_top(PANEL_TITLE_HEIGHT)
        .margin_left(8)
        .margin_right(18)
        .margin_bottom(6)
        .x_label_area_size(32)
        .y_label_area_size(TORNADO_LABEL_WIDTH)
        .build_cartesian_2d(x_range.0..x_range.1, -0.6..(n as f64 - 0.4))?;
    let x_formatter = |x: &f64| fmt_units(scale, *x);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(5)
        .label_style(text_style(12.0, &TEXT_COLOUR))
        .bold_line_style(GRID_COLOUR)
        .max_light_lines(0)
        .x_label_formatter(&x_formatter)
        .draw()?;

    let origin = panel.get_base_pixel();
    let label_style = |size| text_style(size, &TEXT_COLOUR).pos(Pos::new(HPos::Right, VPos::Center));
    for (i, bar) in bars.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let (lo, hi) = (scale.denormalise(bar.low), scale.denormalise(bar.high));
        // The longer side first, so that a shorter one on the same side shows.
        let mut sides = [(lo, LOW_COLOUR), (hi, HIGH_COLOUR)];
        sides.sort_by(|a, b| (b.0 - base).abs().total_cmp(&(a.0 - base).abs()));
        for (end, colour) in sides {
            chart.draw_series(std::iter::once(Rectangle::new([(base, y - 0.32), (end, y + 0.32)], colour.filled())))?;
        }
        let (px, py) = chart.backend_coord(&(x_range.0, y));
        let label = &picture.labels[bar.input];
        let (text, style) = fit_text(panel, label, (13.0, 11.0), &TEXT_COLOUR, TORNADO_LABEL_WIDTH as i32 - 12)?;
        let style = label_style(style.font.get_size());
        panel.draw_text(&text, &style, (px - origin.0 - 6, py - origin.1))?;
    }
    if bars.is_empty() {
        let (px, py) = chart.backend_coord(&(x_range.0, 0.0));
        let style = text_style(13.0, &CAPTION_COLOUR).pos(Pos::new(HPos::Left, VPos::Center));
        panel.draw_text("no single input moves this forecast", &style, (px - origin.0 + 10, py - origin.1 - 20))?;
    }
    chart.draw_series(DashedLineSeries::new(
        [(base, -0.6), (base, n as f64 - 0.4)],
        5,
        3,
        ShapeStyle::from(FORECAST_COLOUR).stroke_width(2),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_are_about_square() {
        assert_eq!((Grid::new(9, (10, 10)).rows, Grid::new(9, (10, 10)).cols), (3, 3));
        assert_eq!((Grid::new(1, (10, 10)).rows, Grid::new(1, (10, 10)).cols), (1, 1));
        assert_eq!((Grid::new(5, (10, 10)).rows, Grid::new(5, (10, 10)).cols), (2, 3));
        assert_eq!((Grid::new(0, (10, 10)).rows, Grid::new(0, (10, 10)).cols), (1, 1));
    }

    #[test]
    fn discrete_ticks_name_the_options() {
        let scale = Scale {
            id: "a".into(),
            name: "A".into(),
            min: 0.0,
            max: 2.0,
            options: Some(vec!["none".into(), "European peacekeeping force".into(), "x".into()]),
            unit: None,
        };
        assert_eq!(tick_label(&scale, 0.0), "0 none");
        assert_eq!(tick_label(&scale, 1.0), "1 European peace…");
        assert_eq!(tick_label(&scale, 0.5), "");
        assert_eq!(tick_label(&scale, 3.0), "");
    }
}
