//! Where everything goes. A receipt is a column of blocks (header, item rows, totals, tail),
//! each laid out at the content width and never overlapping the next. A5 stacks them on
//! pages of fixed height, starting a new page (with a short header and the table header
//! again) when the next block does not fit; the roll is one page as tall as its blocks.
//! The deposit summary is laid out by the same two functions, [`paginate`] and [`roll_page`].

use super::blocks::{stack, Block, Ctx, Paper};
use super::content::{marks, VOID};
use super::draw::{Align, Draw, Ink, Page, Qr};
use super::fonts::Fonts;
use super::{Layout, ReceiptBody, ReceiptDoc, OUTAGE_MARK};

/// The pages of the receipt.
pub(crate) fn lay_out(f: &Fonts, doc: &ReceiptDoc, qr: &Qr, layout: Layout) -> Vec<Page> {
    let cx = Ctx::new(f, layout);
    let p = cx.p;
    // head, then the item rows (which repeat the table header on a new page), then the rest.
    let (head, rows, tail) = match &doc.body {
        ReceiptBody::Outpatient(c) | ReceiptBody::Refund { charges: c, .. } => {
            let (original, refund) = match &doc.body {
                ReceiptBody::Refund { original_receipt, .. } => (Some(original_receipt.as_str()), true),
                _ => (None, false),
            };
            let mut head = cx.charges_head(doc, c, original);
            head.push(cx.gap(1.2));
            head.push(cx.table_header());
            let rows = c.lines.iter().enumerate().map(|(i, l)| cx.item_row(i + 1, l)).collect();
            (head, rows, cx.charges_tail(doc, c, refund, qr))
        }
        // The body of a deposit receipt stands where the item rows would, under the stamp.
        ReceiptBody::Deposit(d) => {
            let [head, body, tail] = cx.deposit_blocks(doc, d, qr);
            (head, body, tail)
        }
        ReceiptBody::DepositRefund(r) => {
            let [head, body, tail] = cx.deposit_refund_blocks(doc, r, qr);
            (head, body, tail)
        }
    };
    // Where a 作废 stamp goes on each page: over the item rows, never over the QR code.
    let (mut pages, regions) = match p.page_h {
        Some(page_h) => {
            let cont = |items_go_on| continuation(&cx, doc, items_go_on);
            let footer = |i, n| format!("{}  第 {i} 页 / 共 {n} 页", doc.receipt_number);
            paginate(&cx, page_h, head, rows, tail, &cont, &footer)
        }
        None => {
            let (head_h, rows_h): (f32, f32) = (head.iter().map(|b| b.h).sum(), rows.iter().map(|b| b.h).sum());
            let page = roll_page(p, stack(head.into_iter().chain(rows).chain(tail).collect()));
            let region = if rows_h > 0.0 {
                (p.margin_top + head_h, p.margin_top + head_h + rows_h)
            } else {
                (p.margin_top, page.h - p.margin_bottom - qr.side(p.qr) - 15.0)
            };
            (vec![page], vec![region])
        }
    };
    if doc.voided {
        for (page, region) in pages.iter_mut().zip(regions) {
            stamp_void(&cx, page, region);
        }
    }
    pages
}

/// One page of the roll, as tall as `all` and the margins.
pub(super) fn roll_page(p: &Paper, all: Block) -> Page {
    Page {
        w: p.page_w,
        h: p.margin_top + all.h + p.margin_bottom,
        draws: all.draws.into_iter().map(|d| d.shifted(p.margin_x, p.margin_top)).collect(),
    }
}

/// The pages of fixed height `page_h`, and on each the vertical range a 作废 stamp should
/// cover: the rows placed there, or else everything above the closing blocks. A page after
/// the first starts with `continuation(rows go on)`; every page ends with `footer(page, of)`.
pub(super) fn paginate(
    cx: &Ctx,
    page_h: f32,
    head: Vec<Block>,
    rows: Vec<Block>,
    tail: Vec<Block>,
    continuation: &dyn Fn(bool) -> Vec<Block>,
    footer: &dyn Fn(usize, usize) -> String,
) -> (Vec<Page>, Vec<(f32, f32)>) {
    let p = cx.p;
    let bottom = page_h - p.margin_bottom;
    let top = p.margin_top;
    let first_row = head.len();
    let n_rows = rows.len();
    let blocks: Vec<Block> = head.into_iter().chain(rows).chain(tail).collect();
    let mut pages: Vec<Vec<Draw>> = vec![Vec::new()];
    let mut regions: Vec<(Option<(f32, f32)>, f32)> = vec![(None, top)];
    let mut y = top;
    let place = |pages: &mut Vec<Vec<Draw>>, y: &mut f32, b: Block| {
        let page = pages.last_mut().expect("one page at least");
        page.extend(b.draws.into_iter().map(|d| d.shifted(p.margin_x, *y)));
        *y += b.h;
    };
    let cont_h: f32 = continuation(true).iter().map(|b| b.h).sum();
    for (i, b) in blocks.into_iter().enumerate() {
        // A block that does not fit goes to a new page, unless the page holds nothing else.
        if i >= first_row && y + b.h > bottom && y > top + cont_h + 1.0 {
            pages.push(Vec::new());
            regions.push((None, top));
            y = top;
            for c in continuation(i < first_row + n_rows) {
                place(&mut pages, &mut y, c);
            }
        }
        let region = regions.last_mut().expect("one page at least");
        if (first_row..first_row + n_rows).contains(&i) {
            let r = region.0.get_or_insert((y, y));
            r.1 = y + b.h;
        }
        region.1 = y;
        place(&mut pages, &mut y, b);
    }
    let n = pages.len();
    let pages = pages
        .into_iter()
        .enumerate()
        .map(|(i, mut draws)| {
            let b = cx.para(&footer(i + 1, n), p.small, Ink::Regular, Align::Center, 1);
            draws.extend(b.draws.into_iter().map(|d| d.shifted(p.margin_x, bottom + 3.0)));
            Page {
                w: p.page_w,
                h: page_h,
                draws,
            }
        })
        .collect();
    let regions = regions
        .into_iter()
        .map(|(rows, last_top)| rows.unwrap_or((top, last_top)))
        .collect();
    (pages, regions)
}

/// The short header of a continuation page (续页), with the table header if items go on.
fn continuation(cx: &Ctx, doc: &ReceiptDoc, items_go_on: bool) -> Vec<Block> {
    let p = cx.p;
    let mut title = format!("{}  {}（续页）", doc.hospital, doc.kind().title());
    for m in marks(doc) {
        title.push_str(&format!("  【{m}】"));
    }
    let mut blocks = vec![
        cx.para(&title, p.body + 1.5, Ink::Bold, Align::Center, 2),
        cx.para(
            &format!("{OUTAGE_MARK}  票据号码：{}", doc.receipt_number),
            p.body,
            Ink::Regular,
            Align::Center,
            2,
        ),
        cx.gap(1.5),
    ];
    let items = matches!(doc.body, ReceiptBody::Outpatient(_) | ReceiptBody::Refund { .. });
    if items_go_on && items {
        blocks.push(cx.table_header());
    }
    blocks
}

/// A large outlined "作废" centred on the range `(from, to)` of the page, repeated every
/// 120 mm down a long range; smaller where the range is short.
fn stamp_void(cx: &Ctx, page: &mut Page, (from, to): (f32, f32)) {
    let full: f32 = if cx.layout == Layout::A5 { 72.0 } else { 40.0 };
    let angle: f32 = 30.0;
    let (sin, cos) = angle.to_radians().sin_cos();
    let span = (to - from).max(20.0);
    // The rotated text's height is about (width · sin + height · cos); keep it inside the range.
    let per_pt = (cx.f.width_mm(VOID, 1.0) * sin + 0.8 * super::fonts::MM_PER_PT * cos).max(0.01);
    let size = full.min(span.min(120.0) * 1.3 / per_pt).max(24.0);
    let w = cx.f.width_mm(VOID, size);
    let h = size * 0.8 * super::fonts::MM_PER_PT;
    let n = (span / 120.0).ceil().max(1.0) as usize;
    for i in 0..n {
        let (cx_, cy) = (page.w / 2.0, from + span * (2 * i + 1) as f32 / (2 * n) as f32);
        // Start of the baseline so that the rotated text is centred on (cx_, cy).
        let x = cx_ - (w / 2.0 * cos - h / 2.0 * sin);
        let y = cy + (w / 2.0 * sin + h / 2.0 * cos);
        page.draws.push(Draw::Text {
            x,
            y,
            size,
            ink: Ink::Outline,
            angle,
            text: VOID.to_string(),
        });
    }
}
