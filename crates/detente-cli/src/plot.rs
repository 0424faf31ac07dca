//! The utility-space picture of two analysed actors: every outcome as a light
//! dot, the Pareto frontier, the bargaining solutions and the reservation
//! values, as SVG or PNG.
//!
//! The picture is prepared backend-free first ([`Picture`]), then drawn by one
//! generic function for both backends, so the SVG and the PNG cannot drift
//! apart. The legend sits in its own panel right of the chart: a legend inside
//! the chart would hide outcomes wherever it were placed.
//!
//! Text is measured, and in a PNG drawn, with ab_glyph and a bundled DejaVu
//! Sans (assets/), so a PNG looks the same on every machine and needs no
//! system fonts; an SVG names the `sans-serif` family and leaves the glyphs
//! to its viewer.

use std::path::Path;
use std::sync::OnceLock;

use anyhow::{Context, anyhow, bail};
use detente_core::{Analysis, Scenario, Solution, UtilityTables};

use crate::numbers::count_text;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Draws the analysed two actors' utility space: every outcome, the Pareto
/// frontier, the bargaining solutions, and both reservation lines. The format
/// follows the extension (.svg or .png).
pub(crate) fn plot_utility_space(scenario: &Scenario, analysis: &Analysis, path: &Path) -> anyhow::Result<()> {
    let format = PictureFormat::of(path)?;
    if analysis.actors.len() != 2 {
        let ids: Vec<&str> = scenario.actors.iter().map(|a| a.id.as_str()).collect();
        bail!(
            "the utility-space picture needs exactly two actors, but {} are analysed; \
             pass --actors A,B with two of: {}",
            analysis.actors.len(),
            ids.join(", ")
        );
    }
    register_bundled_font()?;
    let picture = Picture::new(scenario, analysis, MAX_DRAWN_OUTCOMES);
    let drawn = match format {
        PictureFormat::Svg => {
            draw(SVGBackend::new(path, PICTURE_SIZE).into_drawing_area(), &picture).map_err(|e| anyhow!("{e}"))
        }
        PictureFormat::Png => {
            draw(BitMapBackend::new(path, PICTURE_SIZE).into_drawing_area(), &picture).map_err(|e| anyhow!("{e}"))
        }
    };
    drawn.with_context(|| format!("cannot write the picture to {}", path.display()))
}

/// Width and height of the picture, in pixels.
pub(crate) const PICTURE_SIZE: (u32, u32) = (1100, 760);

/// Spaces larger than this are drawn as an evenly strided sample: more dots
/// than the chart has pixels add nothing to the picture but size and time.
pub(crate) const MAX_DRAWN_OUTCOMES: u128 = 200_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PictureFormat {
    Svg,
    Png,
}

impl PictureFormat {
    pub(crate) fn of(path: &Path) -> anyhow::Result<PictureFormat> {
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("svg") => Ok(PictureFormat::Svg),
            Some("png") => Ok(PictureFormat::Png),
            Some(other) => {
                bail!("cannot draw {}: unknown picture format `.{other}`; name the file *.svg or *.png", path.display())
            }
            None => bail!("cannot draw {}: no file extension; name the file *.svg or *.png", path.display()),
        }
    }
}

/// Everything the picture shows, in utility coordinates, ready for a backend.
#[derive(Debug)]
struct Picture {
    title: String,
    /// Lines under the title: how the outcomes were drawn, and anything else
    /// the reader must know.
    caption: Vec<String>,
    x_label: String,
    y_label: String,
    x_range: (f64, f64),
    y_range: (f64, f64),
    /// The drawn outcomes: all of them, or a strided sample (at most
    /// `MAX_DRAWN_OUTCOMES`).
    outcomes: Vec<(f64, f64)>,
    n_outcomes: u128,
    frontier: Vec<(f64, f64)>,
    solutions: Vec<SolutionMark>,
    /// The reservation values of the first and the second actor.
    reservations: (f64, f64),
    actor_names: (String, String),
}

#[derive(Debug)]
struct SolutionMark {
    name: &'static str,
    marker: Marker,
    colour: RGBColor,
    /// The solution's outcome first, then its ties; empty when no outcome is
    /// individually rational.
    points: Vec<(f64, f64)>,
}

/// Solution markers are hollow and differ in shape and size, so that
/// solutions at the same outcome (Nash and Kalai–Smorodinsky often are) stay
/// apart to the eye; a label in the chart names them as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Circle,
    Triangle,
    Square,
    Diamond,
    Cross,
}

const OUTCOME_COLOUR: RGBColor = RGBColor(0x7A, 0x8C, 0xAD);
const OUTCOME_RADIUS: u32 = 2;
const FRONTIER_COLOUR: RGBColor = RGBColor(0x1F, 0x4E, 0x9A);
const RESERVATION_COLOUR: RGBColor = RGBColor(0x55, 0x55, 0x55);
const ACCEPTABLE_COLOUR: RGBColor = RGBColor(0x2C, 0xA0, 0x2C);
const LEADER_COLOUR: RGBColor = RGBColor(0x66, 0x66, 0x66);
pub(crate) const TEXT_COLOUR: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(crate) const CAPTION_COLOUR: RGBColor = RGBColor(0x55, 0x55, 0x55);
const FONT: &str = "sans-serif";
const LEGEND_WIDTH: u32 = 310;

/// DejaVu Sans 2.37 (Bitstream Vera licence, see assets/DejaVuSans-LICENSE.txt).
static FONT_BYTES: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Registers the bundled font under plotters' `sans-serif` family, once per
/// process: ab_glyph has no system-font lookup, and both backends measure
/// text with it.
pub(crate) fn register_bundled_font() -> anyhow::Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered =
        *REGISTERED.get_or_init(|| plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok());
    if !registered {
        bail!("the bundled font DejaVuSans.ttf cannot be read; this build is broken");
    }
    Ok(())
}

impl Picture {
    /// Prepares the picture, drawing at most `max_drawn` outcomes.
    fn new(scenario: &Scenario, analysis: &Analysis, max_drawn: u128) -> Picture {
        let first = &scenario.actors[analysis.actors[0]];
        let second = &scenario.actors[analysis.actors[1]];
        let n_outcomes = analysis.n_outcomes;
        let stride = sample_stride(n_outcomes, max_drawn);
        let outcomes = outcome_utilities(scenario, analysis, stride);

        let frontier: Vec<(f64, f64)> = analysis.frontier.iter().map(|p| (p.utilities[0], p.utilities[1])).collect();
        let solutions = &analysis.solutions;
        let mark = |name, marker, colour, solution: &Option<Solution>| SolutionMark {
            name,
            marker,
            colour,
            points: solution
                .iter()
                .flat_map(|s| std::iter::once(&s.point).chain(&s.ties))
                .map(|p| (p.utilities[0], p.utilities[1]))
                .collect(),
        };
        let solutions = vec![
            mark("Nash", Marker::Circle, RGBColor(0xD6, 0x27, 0x28), &solutions.nash),
            mark("weighted Nash", Marker::Triangle, RGBColor(0xF0, 0x7C, 0x00), &solutions.weighted_nash),
            mark("Kalai–Smorodinsky", Marker::Square, RGBColor(0x2C, 0xA0, 0x2C), &solutions.kalai_smorodinsky),
            mark("egalitarian", Marker::Diamond, RGBColor(0x94, 0x4F, 0xBD), &solutions.egalitarian),
            mark("utilitarian", Marker::Cross, RGBColor(0x11, 0x11, 0x11), &solutions.utilitarian),
        ];
        let reservations = (first.reservation, second.reservation);

        let xs = outcomes.iter().chain(&frontier).map(|p| p.0).chain([reservations.0]);
        let ys = outcomes.iter().chain(&frontier).map(|p| p.1).chain([reservations.1]);

        let mut caption = vec![if stride == 1 {
            format!("{} against {}; every outcome is drawn", first.name, second.name)
        } else {
            format!(
                "{} against {}; a sample is drawn: every {} outcome in index order, {} of {}",
                first.name,
                second.name,
                ordinal(stride),
                count_text(outcomes.len() as u128),
                count_text(n_outcomes)
            )
        }];
        if solutions.iter().all(|s| s.points.is_empty()) {
            caption.push("No outcome meets both reservation values, so there are no bargaining solutions.".to_string());
        }

        Picture {
            title: format!("{}: {}", scenario.name, count_outcomes(n_outcomes)),
            caption,
            x_label: format!("utility of {}", first.name),
            y_label: format!("utility of {}", second.name),
            x_range: padded_range(xs),
            y_range: padded_range(ys),
            outcomes,
            n_outcomes,
            frontier,
            solutions,
            reservations,
            actor_names: (first.name.clone(), second.name.clone()),
        }
    }
}

/// The smallest stride of at least `n / max_drawn` that is coprime with `n`.
///
/// Outcomes are numbered in mixed radix, so a stride sharing a factor with
/// the trailing issues' level counts would always land on the same levels of
/// those issues (a stride of 10 over a 10-level last issue draws only its
/// first level). A stride coprime with `n` is coprime with every such
/// product, and the sample walks through all their levels.
pub(crate) fn sample_stride(n: u128, max_drawn: u128) -> u128 {
    if n <= max_drawn {
        return 1;
    }
    let mut stride = n.div_ceil(max_drawn);
    while gcd(stride, n) != 1 {
        stride += 1;
    }
    stride
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The utilities of outcomes 0, stride, 2·stride, … for the two analysed
/// actors.
fn outcome_utilities(scenario: &Scenario, analysis: &Analysis, stride: u128) -> Vec<(f64, f64)> {
    let tables = UtilityTables::new(scenario, &analysis.space, &analysis.actors);
    let levels = &analysis.space.levels;
    let mut outcome = vec![0u32; levels.len()];
    let mut utilities = [0.0; 2];
    (0..analysis.n_outcomes.div_ceil(stride))
        .map(|k| k * stride)
        .map(|index| {
            decode_outcome(levels, index, &mut outcome);
            tables.evaluate(&outcome, &mut utilities);
            (utilities[0], utilities[1])
        })
        .collect()
}

/// Writes outcome number `index` (mixed radix, last issue fastest, as
/// `OutcomeSpace::outcome` numbers them) into `outcome` without allocating.
fn decode_outcome(levels: &[u64], mut index: u128, outcome: &mut [u32]) {
    for (slot, &n) in outcome.iter_mut().zip(levels).rev() {
        let n = u128::from(n);
        *slot = (index % n) as u32;
        index /= n;
    }
}

/// The range of the values and of [0, 1], with a margin so that markers on
/// the edges are not cut.
fn padded_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (low, high) = values.fold((0.0f64, 1.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let margin = (high - low) * 0.04;
    (low - margin, high + margin)
}

/// Dots fade as they multiply, so that a dense cloud shows where outcomes
/// crowd instead of turning into one flat blot.
fn outcome_opacity(n_drawn: usize) -> f64 {
    (0.6 * (2000.0 / n_drawn.max(1) as f64).sqrt()).clamp(0.25, 0.6)
}

/// 2 as "2nd", 11 as "11th", 23 as "23rd".
fn ordinal(n: u128) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// "1 outcome", "390,625 outcomes".
fn count_outcomes(n: u128) -> String {
    let noun = if n == 1 { "outcome" } else { "outcomes" };
    format!("{} {noun}", count_text(n))
}

pub(crate) type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, picture: &Picture) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let title_height = 50 + 24 * picture.caption.len() as i32;
    let (title_area, body) = root.split_vertically(title_height);
    let (width, _) = root.dim_in_pixel();
    let (chart_area, legend_area) = body.split_horizontally(width.saturating_sub(LEGEND_WIDTH));

    let text_width = width as i32 - 48;
    let (title, title_style) = fit_text(&root, &picture.title, (28.0, 18.0), &TEXT_COLOUR, text_width)?;
    title_area.draw_text(&title, &title_style, (24, 14))?;
    for (k, line) in picture.caption.iter().enumerate() {
        let (line, style) = fit_text(&root, line, (17.0, 13.0), &CAPTION_COLOUR, text_width)?;
        title_area.draw_text(&line, &style, (24, 48 + 24 * k as i32))?;
    }

    let mut chart = ChartBuilder::on(&chart_area)
        .margin_left(12)
        .margin_right(20)
        .margin_top(8)
        .margin_bottom(12)
        .x_label_area_size(52)
        .y_label_area_size(64)
        .build_cartesian_2d(picture.x_range.0..picture.x_range.1, picture.y_range.0..picture.y_range.1)?;
    chart
        .configure_mesh()
        .x_desc(picture.x_label.as_str())
        .y_desc(picture.y_label.as_str())
        .axis_desc_style(text_style(19.0, &TEXT_COLOUR))
        .label_style(text_style(16.0, &TEXT_COLOUR))
        .bold_line_style(RGBColor(0xE4, 0xE4, 0xE4))
        .max_light_lines(1)
        .light_line_style(RGBColor(0xF3, 0xF3, 0xF3))
        .x_label_formatter(&|x| format!("{x:.1}"))
        .y_label_formatter(&|y| format!("{y:.1}"))
        .draw()?;

    // Outcomes both actors weakly prefer to no agreement, under everything.
    let (r1, r2) = picture.reservations;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(r1, r2), (picture.x_range.1, picture.y_range.1)],
        ACCEPTABLE_COLOUR.mix(0.07).filled(),
    )))?;

    let outcome_style = OUTCOME_COLOUR.mix(outcome_opacity(picture.outcomes.len())).filled();
    chart.draw_series(picture.outcomes.iter().map(|&p| Circle::new(p, OUTCOME_RADIUS, outcome_style)))?;

    let reservation_style = ShapeStyle::from(RESERVATION_COLOUR).stroke_width(2);
    chart.draw_series(DashedLineSeries::new(
        [(r1, picture.y_range.0), (r1, picture.y_range.1)],
        8,
        5,
        reservation_style,
    ))?;
    chart.draw_series(DashedLineSeries::new(
        [(picture.x_range.0, r2), (picture.x_range.1, r2)],
        8,
        5,
        reservation_style,
    ))?;

    chart.draw_series(LineSeries::new(picture.frontier.iter().copied(), FRONTIER_COLOUR.stroke_width(2)))?;
    chart.draw_series(picture.frontier.iter().map(|&p| Circle::new(p, 3, FRONTIER_COLOUR.filled())))?;

    let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
    let plot_box = PixelBox { left: x_pixels.start, top: y_pixels.start, right: x_pixels.end, bottom: y_pixels.end };
    let to_pixels = |p: &(f64, f64)| chart.backend_coord(p);
    let dots = DotDensity::new(plot_box, picture.outcomes.iter().map(to_pixels));

    // Each reservation line is labelled at the end and on the side where its
    // label hides the least, on a translucent white box.
    let reservation_style = text_style(15.0, &RESERVATION_COLOUR);
    let (x1, y2) = to_pixels(&(r1, r2));
    let first_text = format!("reservation of {} = {}", picture.actor_names.0, round2(r1));
    let second_text = format!("reservation of {} = {}", picture.actor_names.1, round2(r2));
    let (w1, h1) = text_size(&root, &first_text, &reservation_style)?;
    let (w2, h2) = text_size(&root, &second_text, &reservation_style)?;
    let gap = 6;
    let first_candidates = [
        (x1 + gap, plot_box.top + gap),
        (x1 + gap, plot_box.bottom - gap - h1),
        (x1 - gap - w1, plot_box.top + gap),
        (x1 - gap - w1, plot_box.bottom - gap - h1),
    ];
    let second_candidates = [
        (plot_box.left + gap, y2 - gap - h2),
        (plot_box.right - gap - w2, y2 - gap - h2),
        (plot_box.left + gap, y2 + gap),
        (plot_box.right - gap - w2, y2 + gap),
    ];
    let mut obstacles = Vec::new();
    for (text, size, candidates) in
        [(first_text, (w1, h1), first_candidates), (second_text, (w2, h2), second_candidates)]
    {
        let top_left = least_hiding(picture, to_pixels, plot_box, &dots, &obstacles, size, &candidates);
        obstacles.push(PixelBox::around_text(top_left, size));
        draw_boxed_text(&root, &text, &reservation_style, top_left)?;
    }

    // Solution markers are drawn in pixel space, so that their shapes keep
    // their size whatever the axes' ranges; the largest first, so that the
    // smaller ones stay visible where solutions coincide. Leader lines go
    // under the markers, label text over everything.
    let label_style = text_style(15.0, &TEXT_COLOUR);
    let mut labels = Vec::new();
    for (pixel, text) in solution_label_texts(picture, to_pixels) {
        let size = text_size(&root, &text, &label_style)?;
        labels.push(SolutionLabel { text, anchor: pixel, size, top_left: pixel });
    }
    obstacles.extend(path_samples(picture.frontier.iter().map(to_pixels)).map(|p| PixelBox::around_point(p, 1)));
    place_solution_labels(&mut labels, plot_box, &dots, obstacles);
    for label in &labels {
        let target = PixelBox::around_text(label.top_left, label.size).nearest_to(label.anchor);
        root.draw(&PathElement::new([label.anchor, target], LEADER_COLOUR.stroke_width(1)))?;
    }
    let mut by_size: Vec<&SolutionMark> = picture.solutions.iter().collect();
    by_size.sort_by_key(|s| std::cmp::Reverse(s.marker.size_rank()));
    for solution in &by_size {
        for point in &solution.points {
            draw_marker(&root, solution.marker, solution.colour, to_pixels(point))?;
        }
    }
    for label in &labels {
        draw_boxed_text(&root, &label.text, &label_style, label.top_left)?;
    }

    draw_legend(&legend_area, picture)?;
    root.present()
}

fn draw_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, picture: &Picture) -> DrawResult<DB> {
    let entry_style = text_style(17.0, &TEXT_COLOUR);
    let detail_style = text_style(15.0, &CAPTION_COLOUR);
    let symbol_x = 22;
    let text_x = 48;
    let mut y = 30;
    let entry = |y: &mut i32, text: &str, detail: Option<String>| -> DrawResult<DB> {
        area.draw_text(text, &entry_style.pos(Pos::new(HPos::Left, VPos::Center)), (text_x, *y))?;
        if let Some(detail) = detail {
            *y += 18;
            area.draw_text(&detail, &detail_style.pos(Pos::new(HPos::Left, VPos::Center)), (text_x, *y))?;
        }
        *y += 30;
        Ok(())
    };

    area.draw(&Circle::new((symbol_x, y), 4, OUTCOME_COLOUR.filled()))?;
    let drawn = picture.outcomes.len() as u128;
    let outcome_detail = if drawn == picture.n_outcomes {
        format!("all {}", count_text(picture.n_outcomes))
    } else {
        format!("{} of {} drawn", count_text(drawn), count_text(picture.n_outcomes))
    };
    entry(&mut y, "outcome", Some(outcome_detail))?;

    area.draw(&PathElement::new([(symbol_x - 12, y), (symbol_x + 12, y)], FRONTIER_COLOUR.stroke_width(2)))?;
    area.draw(&Circle::new((symbol_x, y), 3, FRONTIER_COLOUR.filled()))?;
    entry(&mut y, "Pareto frontier", Some(count_outcomes(picture.frontier.len() as u128)))?;

    for solution in &picture.solutions {
        let detail = match solution.points.as_slice() {
            [] => "none".to_string(),
            [only] => format!("({}, {})", round2(only.0), round2(only.1)),
            [first, ties @ ..] => {
                format!("({}, {}), tied with {}", round2(first.0), round2(first.1), count_outcomes(ties.len() as u128))
            }
        };
        draw_marker(area, solution.marker, solution.colour, (symbol_x, y))?;
        entry(&mut y, solution.name, Some(detail))?;
    }

    area.draw(&DashedPathElement::new(
        [(symbol_x - 12, y), (symbol_x + 12, y)],
        6,
        4,
        ShapeStyle::from(RESERVATION_COLOUR).stroke_width(2),
    ))?;
    entry(&mut y, "reservation value", None)?;

    area.draw(&Rectangle::new([(symbol_x - 10, y - 8), (symbol_x + 10, y + 8)], ACCEPTABLE_COLOUR.mix(0.15).filled()))?;
    entry(&mut y, "acceptable to both", Some("at or above both reservations".to_string()))?;

    Ok(())
}

/// A label naming the solutions at one point.
#[derive(Debug, Clone, PartialEq)]
struct SolutionLabel {
    text: String,
    /// The solutions' point, in pixels.
    anchor: (i32, i32),
    /// The text's width and height, in pixels.
    size: (i32, i32),
    /// Where the text goes: the output of `place_solution_labels`.
    top_left: (i32, i32),
}

/// A rectangle in pixels, edges included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PixelBox {
    left: i32,
    top: i32,
    right: i32,
    bottom: i32,
}

impl PixelBox {
    /// The box of a text and the white margin `draw_boxed_text` gives it.
    fn around_text(top_left: (i32, i32), size: (i32, i32)) -> PixelBox {
        let (x, y) = top_left;
        PixelBox { left: x - 3, top: y - 2, right: x + size.0 + 3, bottom: y + size.1 + 3 }
    }

    fn around_point(centre: (i32, i32), radius: i32) -> PixelBox {
        let (x, y) = centre;
        PixelBox { left: x - radius, top: y - radius, right: x + radius, bottom: y + radius }
    }

    fn overlaps(&self, other: &PixelBox) -> bool {
        self.left <= other.right && other.left <= self.right && self.top <= other.bottom && other.top <= self.bottom
    }

    fn contains(&self, other: &PixelBox) -> bool {
        self.left <= other.left && other.right <= self.right && self.top <= other.top && other.bottom <= self.bottom
    }

    /// The point of the box closest to `point`.
    fn nearest_to(&self, point: (i32, i32)) -> (i32, i32) {
        (point.0.clamp(self.left, self.right), point.1.clamp(self.top, self.bottom))
    }
}

/// One label text per distinct pixel among the solutions' points, ties
/// included ("Nash, Kalai–Smorodinsky"), so that coinciding markers stay
/// readable.
fn solution_label_texts(picture: &Picture, to_pixels: impl Fn(&(f64, f64)) -> (i32, i32)) -> Vec<((i32, i32), String)> {
    let mut groups: Vec<((i32, i32), Vec<&str>)> = Vec::new();
    for solution in &picture.solutions {
        for pixel in solution.points.iter().map(&to_pixels) {
            match groups.iter_mut().find(|(p, _)| *p == pixel) {
                Some((_, names)) if names.contains(&solution.name) => {}
                Some((_, names)) => names.push(solution.name),
                None => groups.push((pixel, vec![solution.name])),
            }
        }
    }
    groups.into_iter().map(|(pixel, names)| (pixel, names.join(", "))).collect()
}

/// Points every few pixels along the path through `points`, so that labels
/// can keep off the line as well as off its vertices.
fn path_samples(points: impl Iterator<Item = (i32, i32)>) -> impl Iterator<Item = (i32, i32)> {
    const STEP: f64 = 4.0;
    let mut previous: Option<(i32, i32)> = None;
    points.flat_map(move |end| {
        let start = previous.replace(end).unwrap_or(end);
        let (dx, dy) = (f64::from(end.0 - start.0), f64::from(end.1 - start.1));
        let n_steps = (dx.hypot(dy) / STEP).ceil().max(1.0) as i32;
        (1..=n_steps).map(move |k| {
            let t = f64::from(k) / f64::from(n_steps);
            (start.0 + (dx * t).round() as i32, start.1 + (dy * t).round() as i32)
        })
    })
}

/// Of the `candidates` (top-left corners of a text of `size`), the first that
/// hides the least: nothing outside the plot or over `obstacles`, then as few
/// solutions, frontier points and outcomes as may be.
fn least_hiding(
    picture: &Picture,
    to_pixels: impl Fn(&(f64, f64)) -> (i32, i32),
    plot: PixelBox,
    dots: &DotDensity,
    obstacles: &[PixelBox],
    size: (i32, i32),
    candidates: &[(i32, i32)],
) -> (i32, i32) {
    let cost = |top_left: (i32, i32)| -> u64 {
        let text_box = PixelBox::around_text(top_left, size);
        if !plot.contains(&text_box) || obstacles.iter().any(|o| o.overlaps(&text_box)) {
            return u64::MAX;
        }
        let hides = |p: &&(f64, f64)| text_box.overlaps(&PixelBox::around_point(to_pixels(p), 0));
        let solutions = picture.solutions.iter().flat_map(|s| &s.points).filter(hides).count() as u64;
        let frontier = picture.frontier.iter().filter(hides).count() as u64;
        1000 * solutions + 20 * frontier + dots.count(&text_box)
    };
    candidates.iter().copied().min_by_key(|&c| cost(c)).expect("there are candidates")
}

/// How many outcome dots lie in any box of the plot, in constant time: a
/// summed-area table over the plot's pixels.
#[derive(Debug)]
struct DotDensity {
    plot: PixelBox,
    /// `sums[(y + 1) * stride + x + 1]`: the dots at or above and left of
    /// pixel (x, y), relative to the plot's corner.
    sums: Vec<u64>,
    stride: usize,
}

impl DotDensity {
    fn new(plot: PixelBox, dots: impl Iterator<Item = (i32, i32)>) -> DotDensity {
        let width = (plot.right - plot.left + 1).max(0) as usize;
        let height = (plot.bottom - plot.top + 1).max(0) as usize;
        let stride = width + 1;
        let mut sums = vec![0u64; stride * (height + 1)];
        for (x, y) in dots {
            if (plot.left..=plot.right).contains(&x) && (plot.top..=plot.bottom).contains(&y) {
                sums[(y - plot.top + 1) as usize * stride + (x - plot.left + 1) as usize] += 1;
            }
        }
        for row in 1..=height {
            for column in 1..=width {
                sums[row * stride + column] += sums[(row - 1) * stride + column] + sums[row * stride + column - 1]
                    - sums[(row - 1) * stride + column - 1];
            }
        }
        DotDensity { plot, sums, stride }
    }

    fn count(&self, area: &PixelBox) -> u64 {
        let left = area.left.max(self.plot.left);
        let right = area.right.min(self.plot.right);
        let top = area.top.max(self.plot.top);
        let bottom = area.bottom.min(self.plot.bottom);
        if left > right || top > bottom {
            return 0;
        }
        let at = |x: i32, y: i32| self.sums[(y - self.plot.top) as usize * self.stride + (x - self.plot.left) as usize];
        // Inclusive box [left, right] × [top, bottom] in table coordinates,
        // which are shifted by one.
        at(right + 1, bottom + 1) + at(left, top) - at(left, bottom + 1) - at(right + 1, top)
    }
}

/// Half the width of the largest solution marker, plus its stroke.
const MARKER_REACH: i32 = 18;

/// Places each label near its point, inside the plot, clear of every
/// marker, of the labels placed before it and of `obstacles` (the
/// reservation labels, the frontier line), hiding few outcome dots.
///
/// Candidates go outwards from the point, up-right first: no outcome lies
/// up and right of a Pareto-optimal point, so that is where a label hides
/// nothing. A candidate further out wins if it hides several dots fewer. A
/// leader line joins each label to its point, so a label pushed away still
/// says whose it is. When nothing fits, the label goes up-right and may
/// overlap.
fn place_solution_labels(
    labels: &mut [SolutionLabel],
    plot: PixelBox,
    dots: &DotDensity,
    mut obstacles: Vec<PixelBox>,
) {
    /// Hiding one more dot costs as much as moving this many candidates on.
    const DOT_COST: u64 = 2;
    /// Beyond this many dots, the cloud is dense everywhere near the point.
    const DOT_CAP: u64 = 20;
    obstacles.extend(labels.iter().map(|l| PixelBox::around_point(l.anchor, MARKER_REACH)));
    for label in labels.iter_mut() {
        let (x, y) = label.anchor;
        let (width, height) = label.size;
        let candidates = [22, 44, 66, 88, 110, 140, 170, 200].into_iter().flat_map(|distance| {
            [
                (x + distance, y - distance - height),
                (x + distance, y - height / 2),
                (x - width / 2, y - distance - height),
                (x - distance - width, y - distance - height),
                (x + distance, y + distance),
                (x - distance - width, y - height / 2),
                (x - width / 2, y + distance),
                (x - distance - width, y + distance),
            ]
        });
        let cost = |(order, top_left): (usize, (i32, i32))| {
            let text_box = PixelBox::around_text(top_left, label.size);
            let fits = plot.contains(&text_box) && obstacles.iter().all(|o| !o.overlaps(&text_box));
            fits.then(|| DOT_COST * dots.count(&text_box).min(DOT_CAP) + order as u64)
        };
        label.top_left = candidates
            .enumerate()
            .filter_map(|candidate| Some((cost(candidate)?, candidate.1)))
            .min_by_key(|&(cost, _)| cost)
            .map_or((x + 22, y - 22 - height), |(_, top_left)| top_left);
        obstacles.push(PixelBox::around_text(label.top_left, label.size));
    }
}

impl Marker {
    /// Larger markers are drawn first.
    fn size_rank(self) -> u8 {
        match self {
            Marker::Diamond => 4,
            Marker::Triangle => 3,
            Marker::Circle => 2,
            Marker::Square => 1,
            Marker::Cross => 0,
        }
    }
}

/// Draws a hollow solution marker centred on `centre` (pixels of `area`).
fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    marker: Marker,
    colour: RGBColor,
    centre: (i32, i32),
) -> DrawResult<DB> {
    let style = colour.stroke_width(2);
    let (x, y) = centre;
    match marker {
        Marker::Diamond => {
            area.draw(&PathElement::new([(x, y - 16), (x + 16, y), (x, y + 16), (x - 16, y), (x, y - 16)], style))
        }
        Marker::Triangle => {
            area.draw(&PathElement::new([(x, y - 14), (x + 12, y + 7), (x - 12, y + 7), (x, y - 14)], style))
        }
        Marker::Circle => area.draw(&Circle::new(centre, 8, style)),
        Marker::Square => area.draw(&Rectangle::new([(x - 5, y - 5), (x + 5, y + 5)], style)),
        Marker::Cross => {
            area.draw(&PathElement::new([(x - 4, y - 4), (x + 4, y + 4)], style))?;
            area.draw(&PathElement::new([(x - 4, y + 4), (x + 4, y - 4)], style))
        }
    }
}

fn draw_boxed_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    top_left: (i32, i32),
) -> DrawResult<DB> {
    let (width, height) = area.estimate_text_size(text, style)?;
    let (x, y) = top_left;
    area.draw(&Rectangle::new(
        [(x - 3, y - 2), (x + width as i32 + 3, y + height as i32 + 3)],
        WHITE.mix(0.85).filled(),
    ))?;
    area.draw_text(text, style, top_left)
}

/// The text and a style that make it fit in `max_width` pixels: the font
/// shrinks from `sizes.0` down to `sizes.1`, then the text is cut short.
pub(crate) fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    sizes: (f64, f64),
    colour: &'static RGBColor,
    max_width: i32,
) -> Result<(String, TextStyle<'static>), DrawingAreaErrorKind<DB::ErrorType>> {
    let (mut size, min_size) = sizes;
    loop {
        let style = text_style(size, colour);
        if area.estimate_text_size(text, &style)?.0 as i32 <= max_width {
            return Ok((text.to_string(), style));
        }
        if size <= min_size {
            break;
        }
        size = (size - 1.0).max(min_size);
    }
    let style = text_style(min_size, colour);
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let shortened: String = chars.iter().chain(['…'].iter()).collect();
        if area.estimate_text_size(&shortened, &style)?.0 as i32 <= max_width {
            return Ok((shortened, style));
        }
    }
    Ok(("…".to_string(), style))
}

fn text_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
) -> Result<(i32, i32), DrawingAreaErrorKind<DB::ErrorType>> {
    let (width, height) = area.estimate_text_size(text, style)?;
    Ok((width as i32, height as i32))
}

pub(crate) fn text_style(size: f64, colour: &'static RGBColor) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).color(colour)
}

/// A utility for display: two decimals, trailing zeros dropped.
fn round2(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_string() } else { text.to_string() }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use detente_core::{AnalysisOptions, ScenarioSpec, WeightPolicy, analyze};

    use super::*;

    /// Two actors over a pie share (11 levels) and a venue (3 options): 33
    /// outcomes, a curved frontier, reservations that cut it.
    const TWO_ACTORS: &str = r#"{
      "name": "split & venue",
      "issues": [
        { "id": "share", "kind": "continuous", "min": 0, "max": 100, "step": 10 },
        { "id": "venue", "kind": "discrete", "options": ["geneva", "riyadh", "istanbul"] }
      ],
      "actors": [
        { "id": "alice", "name": "Alice", "reservation": 0.3, "capability": 2,
          "preferences": { "type": "spatial", "shape": "quadratic",
            "position": { "share": 100, "venue": "geneva" }, "salience": { "share": 3, "venue": 1 } } },
        { "id": "bob", "name": "Bob", "reservation": 0.2,
          "preferences": { "type": "linear-additive",
            "weights": { "share": 0.6, "venue": 0.4 },
            "evaluations": { "share": { "linear": { "slope": -0.01, "offset": 1 } },
                             "venue": { "options": { "geneva": 1, "riyadh": 4, "istanbul": 2 } } } } }
      ]
    }"#;

    fn scenario(json: &str) -> Scenario {
        let spec: ScenarioSpec = serde_json::from_str(json).expect("test scenario parses");
        Scenario::new(spec, WeightPolicy::Refuse).expect("test scenario is valid").0
    }

    fn analysed(json: &str) -> (Scenario, Analysis) {
        let scenario = scenario(json);
        let analysis = analyze(&scenario, &AnalysisOptions::default()).expect("test scenario is analysable");
        (scenario, analysis)
    }

    /// A fresh path in the temporary directory, unique per process and call.
    fn temp_path(extension: &str) -> PathBuf {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        std::env::temp_dir().join(format!("detente-plot-{}-{n}.{extension}", std::process::id()))
    }

    /// Plots to a temporary file and returns its bytes.
    fn plot_bytes(scenario: &Scenario, analysis: &Analysis, extension: &str) -> Vec<u8> {
        let path = temp_path(extension);
        plot_utility_space(scenario, analysis, &path).expect("the picture is drawn");
        let bytes = std::fs::read(&path).expect("the picture was written");
        std::fs::remove_file(&path).expect("the temporary picture can be removed");
        bytes
    }

    #[test]
    fn svg_draws_every_outcome_and_labels_everything() {
        let (scenario, analysis) = analysed(TWO_ACTORS);
        assert_eq!(analysis.n_outcomes, 33);
        let svg = String::from_utf8(plot_bytes(&scenario, &analysis, "svg")).expect("SVG is UTF-8");
        // plotters writes each text element's content on a line of its own.
        let texts: Vec<&str> = svg.lines().filter(|l| !l.starts_with('<')).collect();
        for text in [
            "split &amp; venue: 33 outcomes",
            "Alice against Bob; every outcome is drawn",
            "utility of Alice",
            "utility of Bob",
            "outcome",
            "Pareto frontier",
            "Nash",
            "weighted Nash",
            "Kalai–Smorodinsky",
            "egalitarian",
            "utilitarian",
            "reservation value",
            "reservation of Alice = 0.3",
            "reservation of Bob = 0.2",
        ] {
            assert!(texts.contains(&text), "the SVG lacks the text {text:?}: {texts:?}");
        }
        let outcome_fill =
            format!("fill=\"#{:02X}{:02X}{:02X}\"", OUTCOME_COLOUR.0, OUTCOME_COLOUR.1, OUTCOME_COLOUR.2);
        let outcome_radius = format!("r=\"{OUTCOME_RADIUS}\"");
        let dots = svg
            .lines()
            .filter(|l| l.starts_with("<circle") && l.contains(&outcome_fill) && l.contains(&outcome_radius))
            .count();
        assert_eq!(dots as u128, analysis.n_outcomes);
    }

    #[test]
    fn png_has_the_magic_bytes_and_the_picture_size() {
        let (scenario, analysis) = analysed(TWO_ACTORS);
        let png = plot_bytes(&scenario, &analysis, "PNG");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // The first chunk is IHDR: width and height, big-endian, at bytes 16..24.
        assert_eq!(&png[12..16], b"IHDR");
        let width = u32::from_be_bytes(png[16..20].try_into().expect("four bytes"));
        let height = u32::from_be_bytes(png[20..24].try_into().expect("four bytes"));
        assert_eq!((width, height), PICTURE_SIZE);
    }

    #[test]
    fn three_actors_are_refused_with_a_hint() {
        let three = TWO_ACTORS.replacen(
            r#""actors": ["#,
            r#""actors": [
              { "id": "carol", "preferences": { "type": "spatial",
                "position": { "share": 50 }, "salience": { "share": 1 } } },"#,
            1,
        );
        let (scenario, analysis) = analysed(&three);
        let path = temp_path("svg");
        let error = plot_utility_space(&scenario, &analysis, &path).expect_err("three actors cannot be drawn");
        let message = error.to_string();
        assert!(message.contains("--actors"), "{message}");
        assert!(message.contains("carol, alice, bob"), "{message}");
        assert!(!path.exists());
    }

    #[test]
    fn two_of_three_actors_are_drawn() {
        let three = TWO_ACTORS.replacen(
            r#""actors": ["#,
            r#""actors": [
              { "id": "carol", "preferences": { "type": "spatial",
                "position": { "share": 50 }, "salience": { "share": 1 } } },"#,
            1,
        );
        let scenario = scenario(&three);
        let options = AnalysisOptions { actors: Some(vec![2, 0]), ..AnalysisOptions::default() };
        let analysis = analyze(&scenario, &options).expect("analysable");
        let svg = String::from_utf8(plot_bytes(&scenario, &analysis, "svg")).expect("SVG is UTF-8");
        assert!(svg.contains("utility of Bob"));
        assert!(svg.contains("utility of carol"));
    }

    #[test]
    fn unknown_formats_are_refused() {
        let (scenario, analysis) = analysed(TWO_ACTORS);
        for name in ["picture.pdf", "picture"] {
            let error = plot_utility_space(&scenario, &analysis, Path::new(name)).expect_err("not a picture format");
            assert!(error.to_string().contains("*.svg or *.png"), "{error}");
        }
    }

    #[test]
    fn unwritable_paths_name_the_path() {
        let (scenario, analysis) = analysed(TWO_ACTORS);
        let path = std::env::temp_dir().join("detente-no-such-directory").join("picture.svg");
        let error = plot_utility_space(&scenario, &analysis, &path).expect_err("the directory does not exist");
        assert!(format!("{error:#}").contains("detente-no-such-directory"), "{error:#}");
    }

    #[test]
    fn large_spaces_are_sampled_evenly_and_said_so() {
        let (scenario, analysis) = analysed(TWO_ACTORS);
        let picture = Picture::new(&scenario, &analysis, 10);
        // ceil(33 / 10) = 4, coprime with 33.
        assert_eq!(picture.outcomes.len(), 9);
        assert_eq!(
            picture.caption,
            ["Alice against Bob; a sample is drawn: every 4th outcome in index order, 9 of 33"]
        );
        for (k, &(u1, u2)) in picture.outcomes.iter().enumerate() {
            let outcome = analysis.space.outcome(4 * k as u64);
            assert_eq!((u1, u2), (scenario.utility(0, &outcome), scenario.utility(1, &outcome)));
        }
    }

    #[test]
    fn dot_density_counts_the_dots_in_a_box() {
        let plot = PixelBox { left: 10, top: 20, right: 29, bottom: 39 };
        let dots = [(10, 20), (10, 20), (15, 25), (29, 39), (9, 25), (30, 30)];
        let density = DotDensity::new(plot, dots.into_iter());
        assert_eq!(density.count(&plot), 4, "dots outside the plot are not counted");
        assert_eq!(density.count(&PixelBox { left: 0, top: 0, right: 10, bottom: 20 }), 2);
        assert_eq!(density.count(&PixelBox { left: 11, top: 21, right: 28, bottom: 38 }), 1);
        assert_eq!(density.count(&PixelBox { left: 15, top: 25, right: 15, bottom: 25 }), 1);
        assert_eq!(density.count(&PixelBox { left: 16, top: 25, right: 40, bottom: 38 }), 0);
        assert_eq!(density.count(&PixelBox { left: 29, top: 39, right: 50, bottom: 50 }), 1);
        assert_eq!(density.count(&PixelBox { left: 40, top: 40, right: 50, bottom: 50 }), 0);
    }

    #[test]
    fn frontier_paths_are_sampled_every_few_pixels() {
        let samples: Vec<_> = path_samples([(0, 0), (0, 10), (3, 14)].into_iter()).collect();
        // Ten pixels in three steps, five in two.
        assert_eq!(samples, [(0, 0), (0, 3), (0, 7), (0, 10), (2, 12), (3, 14)]);
    }

    #[test]
    fn strides_avoid_the_factors_of_the_space() {
        for (n, max, stride) in [(33, 200, 1), (1_000_000, 200_000, 7), (390_625, 200_000, 2), (12, 5, 5)] {
            assert_eq!(sample_stride(n, max), stride, "n = {n}, max = {max}");
            assert!(n.div_ceil(stride) <= max);
            assert_eq!(gcd(stride, n), 1);
        }
    }

    #[test]
    fn no_rational_outcome_is_said_in_the_caption() {
        let (scenario, analysis) = analysed(&TWO_ACTORS.replace(r#""reservation": 0.2"#, r#""reservation": 0.95"#));
        assert_eq!(analysis.solutions.nash, None);
        let picture = Picture::new(&scenario, &analysis, MAX_DRAWN_OUTCOMES);
        assert_eq!(picture.caption.len(), 2);
        assert!(picture.caption[1].starts_with("No outcome meets both reservation values"));
        let svg = String::from_utf8(plot_bytes(&scenario, &analysis, "svg")).expect("SVG is UTF-8");
        assert_eq!(svg.lines().filter(|l| *l == "none").count(), 5);
    }

    #[test]
    fn solution_labels_stay_apart_inside_the_plot() {
        let plot = PixelBox { left: 0, top: 0, right: 600, bottom: 400 };
        // Five labels crowding the top right corner.
        let anchors = [(590, 10), (580, 18), (560, 40), (575, 25), (540, 60)];
        let mut labels: Vec<SolutionLabel> = anchors
            .iter()
            .enumerate()
            .map(|(k, &anchor)| SolutionLabel { text: format!("label {k}"), anchor, size: (120, 16), top_left: anchor })
            .collect();
        place_solution_labels(&mut labels, plot, &DotDensity::new(plot, std::iter::empty()), vec![]);
        let boxes: Vec<PixelBox> = labels.iter().map(|l| PixelBox::around_text(l.top_left, l.size)).collect();
        for (i, a) in boxes.iter().enumerate() {
            assert!(plot.contains(a), "label {i} leaves the plot: {a:?}");
            for (j, b) in boxes.iter().enumerate().skip(i + 1) {
                assert!(!a.overlaps(b), "labels {i} and {j} overlap: {a:?}, {b:?}");
            }
            for label in &labels {
                assert!(!a.overlaps(&PixelBox::around_point(label.anchor, MARKER_REACH)), "label {i} hides a marker");
            }
        }
    }

    #[test]
    fn outcomes_decode_as_the_space_numbers_them() {
        let (_, analysis) = analysed(TWO_ACTORS);
        let mut outcome = vec![0; analysis.space.levels.len()];
        for index in 0..analysis.n_outcomes {
            decode_outcome(&analysis.space.levels, index, &mut outcome);
            assert_eq!(outcome, analysis.space.outcome(u64::try_from(index).expect("small")));
        }
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(count_outcomes(1), "1 outcome");
        assert_eq!(count_outcomes(1234), "1,234 outcomes");
        assert_eq!(ordinal(2), "2nd");
        assert_eq!(ordinal(3), "3rd");
        assert_eq!(ordinal(7), "7th");
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(13), "13th");
        assert_eq!(ordinal(21), "21st");
        assert_eq!(ordinal(112), "112th");
        assert_eq!(round2(0.5), "0.5");
        assert_eq!(round2(0.333), "0.33");
        assert_eq!(round2(1.0), "1");
        assert_eq!(round2(-0.001), "0");
    }
}
