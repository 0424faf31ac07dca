//! The picture of one negotiation, as SVG or PNG: on the left the offers in
//! the first two parties' utility space, over every outcome, the Pareto
//! frontier, the Nash point and the agreement; on the right each party's
//! utility over the steps of the negotiation.
//!
//! Like the other pictures (`plot.rs`, whose font, text fitting, sampling
//! and format detection this reuses), it is drawn by one generic function
//! for both backends.

use std::path::Path;

use anyhow::{Context, anyhow};
use detente_sim::metrics::Reference;
use detente_sim::trace::Action;
use detente_sim::{Ending, OutcomeId};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::plot::{
    CAPTION_COLOUR, DrawResult, MAX_DRAWN_OUTCOMES, PictureFormat, TEXT_COLOUR, fit_text, register_bundled_font,
    sample_stride, text_style,
};
use crate::simulate::Negotiation;

/// One colour per party (Tableau 10, as the forecast pictures); more parties
/// than colours reuse them.
const PARTY_COLOURS: [RGBColor; 10] = [
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
const MEDIATOR_COLOUR: RGBColor = RGBColor(0x44, 0x44, 0x44);
const OUTCOME_COLOUR: RGBColor = RGBColor(0xB8, 0xC2, 0xD4);
const FRONTIER_COLOUR: RGBColor = RGBColor(0x33, 0x33, 0x33);
const NASH_COLOUR: RGBColor = RGBColor(0x11, 0x11, 0x11);
const AGREEMENT_COLOUR: RGBColor = RGBColor(0xC0, 0x10, 0x10);
const GRID_COLOUR: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

const SIZE: (u32, u32) = (1400, 700);
const HEADER_HEIGHT: u32 = 84;
const SPACE_WIDTH: u32 = 620;
const LEGEND_WIDTH: u32 = 300;

fn colour(party: Option<usize>) -> RGBColor {
    party.map_or(MEDIATOR_COLOUR, |p| PARTY_COLOURS[p % PARTY_COLOURS.len()])
}

/// Draws `n` to `path`; `pair` holds the Pareto frontier of the first two
/// parties (with more parties, the frontier of all is no line in their
/// plane); the Nash point is that of all parties.
pub(crate) fn plot_negotiation(n: &Negotiation<'_>, pair: &Reference, path: &Path) -> anyhow::Result<()> {
    let format = PictureFormat::of(path)?;
    register_bundled_font()?;
    let drawn = match format {
        PictureFormat::Svg => {
            draw(SVGBackend::new(path, SIZE).into_drawing_area(), n, pair).map_err(|e| anyhow!("{e}"))
        }
        PictureFormat::Png => {
            draw(BitMapBackend::new(path, SIZE).into_drawing_area(), n, pair).map_err(|e| anyhow!("{e}"))
        }
    };
    drawn.with_context(|| format!("cannot write the picture to {}", path.display()))
}

/// A proposer (a party, or `None` for a mediator) and its offers: step and
/// outcome.
type OfferPath = (Option<usize>, Vec<(u32, OutcomeId)>);

/// The offers of each proposer (parties, then the mediator), in order: step
/// and outcome.
fn offer_paths(n: &Negotiation<'_>) -> Vec<OfferPath> {
    let mut proposers: Vec<Option<usize>> = (0..n.arena.parties.len()).map(Some).collect();
    proposers.push(None);
    proposers
        .into_iter()
        .map(|who| {
            let offers: Vec<(u32, OutcomeId)> = n
                .trace()
                .entries
                .iter()
                .filter(|e| e.party == who && matches!(e.action, Action::Offer | Action::Propose))
                .filter_map(|e| e.outcome.map(|o| (e.step, o)))
                .collect();
            (who, offers)
        })
        .filter(|(who, offers)| who.is_some() || !offers.is_empty())
        .collect()
}

fn padded(low: f64, high: f64) -> (f64, f64) {
    let margin = ((high - low) * 0.04).max(0.01);
    (low - margin, high + margin)
}

fn draw<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, n: &Negotiation<'_>, pair: &Reference) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let (header, body) = root.split_vertically(HEADER_HEIGHT);
    let text_width = SIZE.0 as i32 - 40;
    let s = &n.loaded.scenario;
    let title =
        format!("{}: {}", s.name, (0..n.agents.len()).map(|p| n.party_label(p)).collect::<Vec<_>>().join(" vs "));
    let (title, style) = fit_text(&root, &title, (26.0, 16.0), &TEXT_COLOUR, text_width)?;
    header.draw_text(&title, &style, (20, 12))?;
    let ending = match n.result.ending {
        Ending::Agreement => format!("agreement in round {} (t = {:.3})", n.result.rounds, n.result.time),
        Ending::Timeout => "no agreement before the deadline".to_owned(),
        Ending::WalkAway { by } => format!("{} walked away in round {}", n.actor_id(by), n.result.rounds),
    };
    let caption = format!(
        "{} protocol, {} rounds, seed {}: {ending}; welfare {:.3}",
        match n.protocol {
            detente_sim::Protocol::Sao => "alternating offers",
            detente_sim::Protocol::Multilateral => "multilateral alternating offers",
            detente_sim::Protocol::Mediated => "mediated single-text",
        },
        n.rounds,
        n.seed,
        n.metrics.welfare
    );
    let (caption, style) = fit_text(&root, &caption, (16.0, 12.0), &CAPTION_COLOUR, text_width)?;
    header.draw_text(&caption, &style, (20, 50))?;

    let (space, rest) = body.split_horizontally(SPACE_WIDTH);
    let (time, legend) = rest.split_horizontally(SIZE.0 - SPACE_WIDTH - LEGEND_WIDTH);
    let paths = offer_paths(n);
    utility_space(&space, n, pair, &paths)?;
    utility_over_time(&time, n, &paths)?;
    draw_legend(&legend, n, &paths)?;
    root.present()
}

fn utility_space<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    n: &Negotiation<'_>,
    pair: &Reference,
    paths: &[OfferPath],
) -> DrawResult<DB> {
    let (a, b) = (&n.arena.parties[0], &n.arena.parties[1]);
    let x = padded(a.worst_utility().min(a.reservation).min(0.0), a.best_utility().max(1.0));
    let y = padded(b.worst_utility().min(b.reservation).min(0.0), b.best_utility().max(1.0));
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(52)
        .build_cartesian_2d(x.0..x.1, y.0..y.1)?;
    chart
        .configure_mesh()
        .x_desc(format!("utility of {}", a.id))
        .y_desc(format!("utility of {}", b.id))
        .axis_desc_style(text_style(14.0, &CAPTION_COLOUR))
        .label_style(text_style(12.0, &TEXT_COLOUR))
        .bold_line_style(GRID_COLOUR)
        .max_light_lines(0)
        .draw()?;

    let total = u128::from(n.arena.n_outcomes);
    let stride = sample_stride(total, MAX_DRAWN_OUTCOMES) as usize;
    let dots = (0..n.arena.n_outcomes as usize).step_by(stride).map(|o| (a.utilities[o], b.utilities[o]));
    chart.draw_series(dots.map(|p| Circle::new(p, 2, OUTCOME_COLOUR.filled())))?;

    let mut frontier: Vec<(f64, f64)> = pair.frontier.iter().map(|p| (p[0], p[1])).collect();
    frontier.sort_by(|p, q| p.0.total_cmp(&q.0));
    chart.draw_series(LineSeries::new(frontier.iter().copied(), FRONTIER_COLOUR.stroke_width(2)))?;
    chart.draw_series(frontier.iter().map(|&p| Circle::new(p, 3, FRONTIER_COLOUR.filled())))?;

    for (who, offers) in paths {
        let c = colour(*who);
        let points: Vec<(f64, f64)> = offers.iter().map(|&(_, o)| (a.utility(o), b.utility(o))).collect();
        chart.draw_series(LineSeries::new(points.iter().copied(), c.mix(0.7).stroke_width(2)))?;
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, c.filled())))?;
        if let Some(&first) = points.first() {
            chart.draw_series(std::iter::once(Circle::new(first, 7, c.stroke_width(2))))?;
        }
    }
    // The Nash point of all the parties (the report's), seen in the first two's utilities.
    if let Some(nash) = &n.reference.nash {
        let p = (nash[0], nash[1]);
        chart.draw_series(std::iter::once(Circle::new(p, 10, NASH_COLOUR.stroke_width(2))))?;
    }
    if let Some(o) = n.result.agreement {
        let p = (a.utility(o), b.utility(o));
        chart.draw_series(std::iter::once(Cross::new(p, 9, AGREEMENT_COLOUR.stroke_width(4))))?;
    }
    Ok(())
}

fn utility_over_time<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    n: &Negotiation<'_>,
    paths: &[OfferPath],
) -> DrawResult<DB> {
    let last = n.trace().entries.last().map_or(1, |e| e.step.max(1));
    let low = n.arena.parties.iter().map(|p| p.worst_utility().min(p.reservation)).fold(0.0f64, f64::min);
    let high = n.arena.parties.iter().map(|p| p.best_utility()).fold(1.0f64, f64::max);
    let y = padded(low, high);
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(52)
        .build_cartesian_2d(0.0..f64::from(last) * 1.02, y.0..y.1)?;
    let x_formatter = |x: &f64| format!("{x:.0}");
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("utility to the party (solid: its own offers; dots: the others')")
        .axis_desc_style(text_style(14.0, &CAPTION_COLOUR))
        .label_style(text_style(12.0, &TEXT_COLOUR))
        .bold_line_style(GRID_COLOUR)
        .max_light_lines(0)
        .x_label_formatter(&x_formatter)
        .draw()?;
    for (p, view) in n.arena.parties.iter().enumerate() {
        let c = colour(Some(p));
        for (who, offers) in paths {
            let points = offers.iter().map(|&(step, o)| (f64::from(step), view.utility(o)));
            if *who == Some(p) {
                chart.draw_series(LineSeries::new(points, c.stroke_width(2)))?;
            } else {
                chart.draw_series(points.map(|q| Circle::new(q, 2, c.mix(0.6).filled())))?;
            }
        }
    }
    if let Some(o) = n.result.agreement {
        let step = f64::from(n.result.steps.saturating_sub(1));
        for view in &n.arena.parties {
            chart.draw_series(std::iter::once(Cross::new(
                (step, view.utility(o)),
                7,
                AGREEMENT_COLOUR.stroke_width(3),
            )))?;
        }
    }
    Ok(())
}

fn draw_legend<DB: DrawingBackend>(
    legend: &DrawingArea<DB, Shift>,
    n: &Negotiation<'_>,
    paths: &[OfferPath],
) -> DrawResult<DB> {
    let style = text_style(14.0, &TEXT_COLOUR).pos(Pos::new(HPos::Left, VPos::Center));
    let detail_style = text_style(12.0, &CAPTION_COLOUR).pos(Pos::new(HPos::Left, VPos::Center));
    let width = LEGEND_WIDTH as i32 - 56;
    let mut y = 30;
    for (who, offers) in paths {
        let c = colour(*who);
        legend.draw(&PathElement::new([(12, y), (36, y)], c.stroke_width(3)))?;
        legend.draw(&Circle::new((24, y), 4, c.filled()))?;
        let (label, detail) = match who {
            Some(p) => (n.agents[*p].clone(), format!("{}, {} offers", n.actor_id(*p), offers.len())),
            None => ("mediator".to_owned(), format!("{} texts", offers.len())),
        };
        let (text, _) = fit_text(legend, &label, (14.0, 14.0), &TEXT_COLOUR, width)?;
        legend.draw_text(&text, &style, (46, y))?;
        let (text, _) = fit_text(legend, &detail, (12.0, 12.0), &CAPTION_COLOUR, width)?;
        legend.draw_text(&text, &detail_style, (46, y + 17))?;
        y += 44;
    }
    y += 8;
    legend.draw(&Circle::new((24, y), 7, TEXT_COLOUR.stroke_width(2)))?;
    legend.draw_text("first offer", &style, (46, y))?;
    y += 26;
    legend.draw(&PathElement::new([(12, y), (36, y)], FRONTIER_COLOUR.stroke_width(2)))?;
    legend.draw(&Circle::new((24, y), 3, FRONTIER_COLOUR.filled()))?;
    let frontier = if n.arena.parties.len() == 2 { "Pareto frontier" } else { "Pareto frontier of the first two" };
    legend.draw_text(frontier, &style, (46, y))?;
    y += 26;
    legend.draw(&Circle::new((24, y), 9, NASH_COLOUR.stroke_width(2)))?;
    legend.draw_text("Nash point", &style, (46, y))?;
    y += 26;
    legend.draw(&Cross::new((24, y), 8, AGREEMENT_COLOUR.stroke_width(4)))?;
    legend.draw_text(if n.result.agreement.is_some() { "agreement" } else { "agreement (none)" }, &style, (46, y))?;
    y += 26;
    legend.draw(&Circle::new((24, y), 2, OUTCOME_COLOUR.filled()))?;
    legend.draw_text("an outcome", &style, (46, y))?;
    Ok(())
}
