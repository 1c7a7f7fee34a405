//! `cover.pdf`: the one page printed and signed when the batch changes hands. It names the
//! station, the batch and its journal range, counts, totals per kind and per tender, the chain
//! head, the manifest's SHA-256 and the station key's fingerprint, so that the paper pins down
//! exactly one batch. A re-rendering says when and by whom it was made (the only thing that
//! differs from the first cover). The manifest cannot hash the cover (the cover shows the
//! manifest's hash), so the station key signs the cover itself, bound to the manifest's
//! SHA-256 (`batch::cover_signed_bytes`): `export verify` then notices a changed byte in it.

use super::csv::yuan;
use super::labels::{self, local};
use super::pdf::{Pdf, A4_PORTRAIT};
use crate::batch::{self, Manifest, COVER};
use crate::error::Result;
use std::path::Path;

/// Writes the cover, signed by `sign` (the station key).
pub(crate) fn write(
    dir: &Path,
    m: &Manifest,
    manifest_sha256: &str,
    rerendered: Option<(&str, &str)>,
    sign: impl FnOnce(&[u8]) -> Result<[u8; 64]>,
) -> Result<()> {
    let mut pdf = Pdf::new(Vec::with_capacity(1 << 16), A4_PORTRAIT)?;
    let x = 56.0;
    let mut y = 70.0;
    pdf.text(x, y, 18.0, "导出批次交接单");
    y += 22.0;
    pdf.text(x, y, 10.0, &format!("{} · {} {}", m.hospital, m.station_code, m.station_name));
    y += 26.0;
    let receipts: i64 = m.counts.receipts.values().sum();
    let ranges: Vec<String> = m
        .receipt_ranges
        .iter()
        .map(|r| {
            if r.first == r.last {
                r.first.clone()
            } else {
                format!("{} 至 {}（{} 张）", r.first, r.last, r.count)
            }
        })
        .collect();
    let rows_of = |t: &str| m.counts.rows.get(t).copied().unwrap_or(0);
    let mut lines: Vec<(String, String)> = vec![
        (
            "批次".into(),
            format!("第 {} 批（{}-batch-{:06}）", m.batch_seq, m.station_code, m.batch_seq),
        ),
        ("生成时间".into(), local(&m.created_at)),
        (
            "流水范围".into(),
            format!(
                "第 {} 至 {} 条（共 {} 条）",
                m.journal_first_seq, m.journal_last_seq, m.counts.journal_entries
            ),
        ),
        ("收据号段".into(), if ranges.is_empty() { "无".into() } else { ranges.join("；") }),
        (
            "笔数".into(),
            format!(
                "患者 {}，挂号 {}，收据 {}（{}），作废 {}，入院 {}",
                rows_of("patient"),
                rows_of("registration"),
                receipts,
                m.counts
                    .receipts
                    .iter()
                    .map(|(k, n)| format!("{} {n}", labels::receipt_kind(k)))
                    .collect::<Vec<_>>()
                    .join("，"),
                m.voided.len(),
                rows_of("admission")
            ),
        ),
    ];
    for (k, fen) in &m.totals_fen.receipts {
        lines.push((format!("{}合计", labels::receipt_kind(k)), format!("{} 元", yuan(*fen))));
    }
    lines.push(("作废合计".into(), format!("{} 元", yuan(-m.totals_fen.voided))));
    lines.push(("净额".into(), format!("{} 元", yuan(m.totals_fen.net))));
    for (method, fen) in &m.totals_fen.tenders {
        lines.push((format!("{}", labels::method(method)), format!("{} 元", yuan(*fen))));
    }
    lines.push(("未能转换为 FHIR".into(), format!("{} 条（见清单 exceptions）", m.exceptions.len())));
    for (label, value) in &lines {
        pdf.text(x, y, 10.0, label);
        pdf.text(x + 110.0, y, 10.0, value);
        y += 17.0;
    }
    y += 10.0;
    let anchor = format!("{}:{}", m.journal_last_seq, &m.chain_head[..16.min(m.chain_head.len())]);
    let hashes = [
        ("流水锚点（downtime verify --anchor 可核对）", anchor.as_str()),
        ("链头（最后一条流水的哈希）", m.chain_head.as_str()),
        (
            "上一批链头",
            if m.prev_chain_head.is_empty() {
                "（第一批，无）"
            } else {
                m.prev_chain_head.as_str()
            },
        ),
        ("清单 manifest.json 的 SHA-256", manifest_sha256),
    ];
    for (label, hash) in hashes {
        pdf.text(x, y, 10.0, label);
        y += 15.0;
        pdf.text(x + 12.0, y, 10.0, hash);
        y += 20.0;
    }
    pdf.text(x, y, 10.0, "工作站密钥指纹");
    y += 15.0;
    pdf.text(x + 12.0, y, 12.0, &m.fingerprint().unwrap_or_default());
    y += 22.0;
    pdf.text(
        x,
        y,
        8.5,
        "核对：在财务电脑上运行 downtime export verify <批次文件夹>，应显示“批次完好”，且指纹与本页和工作站设置页一致。",
    );
    y += 40.0;
    for who in ["交出人（工作站）", "接收人（财务科）"] {
        pdf.text(x, y, 11.0, &format!("{who}签字：____________________    日期：________________"));
        y += 36.0;
    }
    if let Some((at, by)) = rerendered {
        pdf.text(x, y, 9.0, &format!("本页为重新生成：{} · {by}", local(at)));
    }
    let pdf = pdf.finish(
        &format!("导出批次交接单 {}-batch-{:06}", m.station_code, m.batch_seq),
        &m.created_at,
    )?;
    let signature = hex::encode(sign(&batch::cover_signed_bytes(manifest_sha256, &pdf))?);
    use std::io::Write;
    let mut out = std::fs::File::create(dir.join(COVER))?;
    out.write_all(&batch::cover_with_signature(&pdf, &signature))?;
    super::sink::sync_later(out);
    Ok(())
}
