//! Charts for report sheets, drawn as vectors: bars are filled rectangles, axes and grid lines
//! are lines, labels are text, so they print sharp at any size and their figures can be read
//! back from the file. Only geometry is computed here; the amounts arrive in fen.

use super::blocks::{cell, Block, Cell, Ctx};
use super::draw::{baseline, line_height, Align, Draw, Ink};
use super::Layout;
use crate::money::signed_yuan;

/// Greys of the bars: money taken, money given back.
const TAKEN: f32 = 0.35;
const GIVEN_BACK: f32 = 0.72;

/// A round top for an axis holding `max` fen: 1, 2 or 5 × 10ⁿ yuan (at least ¥1).
fn nice_max(max: i64) -> i64 {
    let mut step = 100;
    loop {
        for m in [1, 2, 5] {
            if m * step >= max {
                return m * step;
            }
        }
        step *= 10;
    }
}

/// `¥1,200` for whole yuan, else `¥12.50`.
fn axis_label(fen: i64) -> String {
    let text = signed_yuan(fen);
    text.strip_suffix(".00").map(str::to_string).unwrap_or(text)
}

impl Ctx<'_> {
    fn text(&self, draws: &mut Vec<Draw>, x: f32, top: f32, size: f32, text: &str, align: Align) {
        let w = self.f.width_mm(text, size);
        let x = match align {
            Align::Left => x,
            Align::Center => x - w / 2.0,
            Align::Right => x - w,
        };
        draws.push(Draw::Text {
            x,
            y: baseline(top, size),
            size,
            ink: Ink::Regular,
            angle: 0.0,
            text: text.to_string(),
        });
    }

    fn caption(&self, caption: &str) -> Block {
        self.row(
            self.p.body,
            &[Cell {
                ink: Ink::Bold,
                ..cell(0.0, self.w, caption, Align::Left, 2)
            }],
        )
    }

    /// Money taken per hour as bars up from the axis, money given back as lighter bars down.
    pub(super) fn hour_chart(&self, caption: &str, hours: &[(String, i64, i64)]) -> Block {
        let roll = self.layout == Layout::Roll80;
        let small = if roll { 6.0 } else { 6.5 };
        let axis_w = if roll { 13.0 } else { 17.0 };
        let up_h: f32 = if roll { 30.0 } else { 42.0 };
        let head = self.caption(caption);
        let mut draws = head.draws;
        let legend_top = head.h + 0.5;
        self.legend(&mut draws, legend_top, small, &[("收款", TAKEN), ("退款", GIVEN_BACK)]);
        let top = legend_top + line_height(small) + 2.0;
        let max_taken = hours.iter().map(|h| h.1).max().unwrap_or(0).max(0);
        let max_back = hours.iter().map(|h| h.2).max().unwrap_or(0).max(0);
        let m = nice_max(max_taken.max(max_back).max(1));
        let scale = up_h / m as f32;
        let down_h = if max_back > 0 {
            (max_back as f32 * scale).clamp(4.0, up_h)
        } else {
            0.0
        };
        let axis_y = top + up_h;
        let plot_x = axis_w;
        let plot_w = self.w - axis_w;
        // Grid and its labels: quarters of the top.
        for q in 0..=4 {
            let v = m * q / 4;
            let y = axis_y - v as f32 * scale;
            draws.push(Draw::Line {
                x1: plot_x,
                y1: y,
                x2: self.w,
                y2: y,
                width_pt: if q == 0 { 0.8 } else { 0.2 },
            });
            self.text(
                &mut draws,
                plot_x - 1.0,
                y - line_height(small) / 2.0,
                small,
                &axis_label(v),
                Align::Right,
            );
        }
        draws.push(Draw::Line {
            x1: plot_x,
            y1: top,
            x2: plot_x,
            y2: axis_y + down_h,
            width_pt: 0.6,
        });
        let n = hours.len().max(1);
        let slot = plot_w / n as f32;
        let bar = (slot * 0.7).min(12.0);
        let mut up = Vec::new();
        let mut down = Vec::new();
        for (i, (_, taken, back)) in hours.iter().enumerate() {
            let x = plot_x + slot * i as f32 + (slot - bar) / 2.0;
            if *taken > 0 {
                let h = *taken as f32 * scale;
                up.push([x, axis_y - h, bar, h]);
            }
            if *back > 0 {
                down.push([x, axis_y, bar, (*back as f32 * scale).min(down_h)]);
            }
        }
        draws.push(Draw::Shade { rects: up, grey: TAKEN });
        draws.push(Draw::Shade {
            rects: down,
            grey: GIVEN_BACK,
        });
        // Hour labels: "09时", with the date where a day starts; as many as fit.
        let labels: Vec<String> = hours
            .iter()
            .enumerate()
            .map(|(i, (h, _, _))| {
                let (date, time) = h.split_once(' ').unwrap_or(("", h));
                let hour = time.get(..2).unwrap_or(time);
                let new_day = i == 0 || hours[i - 1].0.get(..10) != h.get(..10);
                if new_day {
                    format!("{} {hour}时", date.get(5..).unwrap_or(date))
                } else {
                    format!("{hour}时")
                }
            })
            .collect();
        let widest = labels.iter().map(|l| self.f.width_mm(l, small)).fold(0.0, f32::max);
        let every = ((widest + 1.5) / slot).ceil().max(1.0) as usize;
        let label_top = axis_y + down_h + 1.0;
        for (i, l) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
            self.text(&mut draws, plot_x + slot * (i as f32 + 0.5), label_top, small, l, Align::Center);
        }
        // The amount over each bar, where it fits.
        for (i, (_, taken, _)) in hours.iter().enumerate().filter(|(_, h)| h.1 > 0) {
            let t = axis_label(*taken);
            if self.f.width_mm(&t, small - 0.5) <= slot - 0.5 {
                let y = axis_y - *taken as f32 * scale - line_height(small - 0.5) - 0.3;
                self.text(&mut draws, plot_x + slot * (i as f32 + 0.5), y, small - 0.5, &t, Align::Center);
            }
        }
        Block {
            h: label_top + line_height(small) + 1.0,
            draws,
        }
    }

    /// Money per method as horizontal bars, with the amount and its share.
    pub(super) fn method_chart(&self, caption: &str, methods: &[(String, i64)]) -> Block {
        let roll = self.layout == Layout::Roll80;
        let s = self.p.body - 0.5;
        let label_w = if roll { 12.0 } else { 18.0 };
        let value_w = if roll { 27.0 } else { 42.0 };
        let bar_w = self.w - label_w - value_w - 2.0;
        let head = self.caption(caption);
        let mut draws = head.draws;
        let mut y = head.h + 1.0;
        let positive: i64 = methods.iter().map(|m| m.1.max(0)).sum();
        let max = methods.iter().map(|m| m.1).max().unwrap_or(0).max(1);
        let row_h = line_height(s) + 1.6;
        let mut rects = Vec::new();
        for (name, fen) in methods {
            self.text(&mut draws, 0.0, y + 0.8, s, name, Align::Left);
            if *fen > 0 {
                rects.push([label_w, y + 0.6, bar_w * *fen as f32 / max as f32, row_h - 1.2]);
            }
            let share = if positive > 0 && *fen > 0 {
                // Tenths of a percent, rounded half up, in integers.
                let permille = (*fen * 1000 + positive / 2) / positive;
                format!("  {}.{}%", permille / 10, permille % 10)
            } else {
                String::new()
            };
            let value = format!("{}{share}", signed_yuan(*fen));
            let size = self.f.fit_size(&value, s, s * 0.7, value_w);
            self.text(&mut draws, self.w, y + 0.8, size, &value, Align::Right);
            y += row_h;
        }
        draws.push(Draw::Shade { rects, grey: TAKEN });
        draws.push(Draw::Line {
            x1: label_w,
            y1: head.h + 0.5,
            x2: label_w,
            y2: y,
            width_pt: 0.6,
        });
        Block { h: y + 1.0, draws }
    }

    /// Signed amounts as horizontal bars from a zero line in the middle: positive to the right
    /// (dark), negative to the left (light), the amount written at the end of the row.
    pub(super) fn signed_chart(&self, caption: &str, rows: &[(String, i64)]) -> Block {
        let roll = self.layout == Layout::Roll80;
        let s = self.p.body - 0.5;
        let label_w = if roll { 12.0 } else { 18.0 };
        let value_w = if roll { 22.0 } else { 30.0 };
        let half = (self.w - label_w - value_w - 2.0) / 2.0;
        let zero = label_w + half;
        let head = self.caption(caption);
        let mut draws = head.draws;
        let mut y = head.h + 1.0;
        let max = rows.iter().map(|r| r.1.unsigned_abs()).max().unwrap_or(0).max(1) as f32;
        let row_h = line_height(s) + 1.6;
        let (mut right, mut left) = (Vec::new(), Vec::new());
        for (name, fen) in rows {
            self.text(&mut draws, 0.0, y + 0.8, s, name, Align::Left);
            let w = half * fen.unsigned_abs() as f32 / max;
            if *fen > 0 {
                right.push([zero, y + 0.6, w, row_h - 1.2]);
            } else if *fen < 0 {
                left.push([zero - w, y + 0.6, w, row_h - 1.2]);
            }
            let value = signed_yuan(*fen);
            let size = self.f.fit_size(&value, s, s * 0.7, value_w);
            self.text(&mut draws, self.w, y + 0.8, size, &value, Align::Right);
            y += row_h;
        }
        draws.push(Draw::Shade { rects: right, grey: TAKEN });
        draws.push(Draw::Shade {
            rects: left,
            grey: GIVEN_BACK,
        });
        draws.push(Draw::Line {
            x1: zero,
            y1: head.h + 0.5,
            x2: zero,
            y2: y,
            width_pt: 0.6,
        });
        Block { h: y + 1.0, draws }
    }

    fn legend(&self, draws: &mut Vec<Draw>, top: f32, size: f32, keys: &[(&str, f32)]) {
        let sq = line_height(size) * 0.7;
        let mut x = self.w;
        for (label, grey) in keys.iter().rev() {
            let w = self.f.width_mm(label, size);
            x -= w;
            self.text(draws, x, top, size, label, Align::Left);
            x -= sq + 1.0;
            draws.push(Draw::Shade {
                rects: vec![[x, top + (line_height(size) - sq) / 2.0, sq, sq]],
                grey: *grey,
            });
            x -= 3.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::nice_max;

    #[test]
    fn axis_tops_are_round() {
        for (max, top) in [
            (1, 100),
            (100, 100),
            (101, 200),
            (45_000, 50_000),
            (120_001, 200_000),
            (999_999, 1_000_000),
        ] {
            assert_eq!(nice_max(max), top, "{max}");
        }
    }
}
