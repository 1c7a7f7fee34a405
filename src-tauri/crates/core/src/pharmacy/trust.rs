//! Whose papers a station believes (信任的工作站): the public keys of other stations, taken from
//! a key card (密钥卡: a small file signed by the station's own key, with its code, name and
//! fingerprint, which people compare with the issuing station's setup screen) or from a
//! verified export batch (its manifest carries and is signed by the same key). One key per
//! station code: a second key for a code already trusted is refused, never trusted beside it.

use crate::error::{invalid, Result};
use crate::ids::{Permission, StationCode};
use crate::journal;
use crate::operator::Actor;
use crate::station::fingerprint;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{parse_stamp, stamp};
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, VerifyingKey};
use rusqlite::OptionalExtension;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The `format` of a key card.
pub const KEY_CARD_FORMAT: &str = "downtime-key-card/1";

/// A key card as read and verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCard {
    pub hospital: String,
    pub station_code: String,
    pub station_name: String,
    /// `counter` or `pharmacy`.
    pub station_kind: String,
    pub public_key: [u8; 32],
    pub fingerprint: String,
}

/// A station this one trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedStation {
    pub station_code: String,
    pub station_name: String,
    pub hospital: String,
    pub public_key: [u8; 32],
    pub fingerprint: String,
    /// `key_card` or `batch:<folder>`.
    pub source: String,
    pub trusted_by: String,
    pub trusted_at: DateTime<Utc>,
}

/// A key card written out: where, and what the station reading it should compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCardExport {
    pub path: PathBuf,
    pub station_code: String,
    pub station_name: String,
    pub fingerprint: String,
}

/// What `trust` did: trusted now, or already trusted with the same key (nothing written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trusted {
    pub station: TrustedStation,
    pub new: bool,
    /// Receipts the batch says its station voided, newly noted (0 for a key card).
    pub voids_noted: usize,
}

fn card_invalid(why_zh: &str, why_en: &str) -> crate::CoreError {
    invalid!(
        KeyCardInvalid,
        format!("这不是有效的工作站密钥卡：{why_zh}"),
        format!("This is not a valid station key card: {why_en}")
    )
}

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a str> {
    v.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| card_invalid(&format!("缺少 {name}"), &format!("{name} is missing")))
}

/// The card's fields, canonical JSON without `signature`: what the signature covers.
fn card_body(hospital: &str, code: &str, name: &str, kind: &str, public_key: &[u8; 32]) -> Value {
    json!({
        "format": KEY_CARD_FORMAT,
        "hospital": hospital,
        "station_code": code,
        "station_name": name,
        "station_kind": kind,
        "public_key": hex::encode(public_key),
        "fingerprint": fingerprint(public_key),
    })
}

/// Reads and verifies a key card: well-formed, signed by the key it carries, its
/// fingerprint that key's.
pub fn read_key_card(bytes: &[u8]) -> Result<KeyCard> {
    let v: Value = serde_json::from_slice(bytes).map_err(|_| card_invalid("不是 JSON 文件", "not a JSON file"))?;
    if v.get("format").and_then(Value::as_str) != Some(KEY_CARD_FORMAT) {
        return Err(card_invalid("格式不对", "wrong format"));
    }
    let key: [u8; 32] = hex::decode(field(&v, "public_key")?)
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| card_invalid("公钥无法识别", "unreadable public key"))?;
    let sig: [u8; 64] = hex::decode(field(&v, "signature")?)
        .ok()
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| card_invalid("签名无法识别", "unreadable signature"))?;
    let code = StationCode::parse(field(&v, "station_code")?)?;
    let body = card_body(
        field(&v, "hospital")?,
        code.as_str(),
        field(&v, "station_name")?,
        field(&v, "station_kind")?,
        &key,
    );
    let signed = crate::jcs::canonical(&body);
    let ok = field(&v, "fingerprint")? == fingerprint(&key)
        && VerifyingKey::from_bytes(&key)
            .and_then(|k| k.verify_strict(signed.as_bytes(), &Signature::from_bytes(&sig)))
            .is_ok();
    if !ok {
        return Err(invalid!(
            KeyCardSignatureInvalid,
            format!("工作站 {code} 的密钥卡签名不符：密钥卡被改动过"),
            format!("The key card of station {code} does not verify: it was altered")
        ));
    }
    Ok(KeyCard {
        hospital: field(&v, "hospital")?.to_string(),
        station_code: code.to_string(),
        station_name: field(&v, "station_name")?.to_string(),
        station_kind: field(&v, "station_kind")?.to_string(),
        public_key: key,
        fingerprint: fingerprint(&key),
    })
}

impl Desk {
    /// 密钥卡: this station's code, name, kind and public key with its fingerprint, signed by
    /// its own key (`downtime station key --out FILE`). Public: no secret is in it.
    pub fn station_key_card(&self) -> Result<Vec<u8>> {
        let s = self.require_station()?;
        let mut body = card_body(&s.hospital, s.code.as_str(), &s.name, s.kind.key(), &s.public_key);
        let sig = self.sign(crate::jcs::canonical(&body).as_bytes())?;
        body["signature"] = Value::from(hex::encode(sig));
        let mut text = serde_json::to_string_pretty(&body).expect("a JSON value serialises");
        text.push('\n');
        Ok(text.into_bytes())
    }

    /// What the window shows before writing the key card: the station's code, name and
    /// fingerprint, and where it offers to write it, `exports/<CODE>.key.json` beside the
    /// database (a USB stick's folder is typed or picked instead). Refused at the door to
    /// whoever may not export it. Writes nothing.
    pub fn key_card_offer(&self, by: &Actor) -> Result<KeyCardExport> {
        by.require(Permission::TrustStations)?;
        let s = self.require_station()?;
        Ok(KeyCardExport {
            path: self.beside("exports").join(format!("{}.key.json", s.code)),
            station_code: s.code.to_string(),
            station_name: s.name.clone(),
            fingerprint: s.fingerprint(),
        })
    }

    /// 导出密钥卡 (`downtime station key --out FILE`, and the window's settings): writes this
    /// station's key card whole to `out` (its folder made if missing) for another station to
    /// trust. The same people who trust other stations' keys hand this one's out
    /// (`Permission::TrustStations`); nothing is recorded, the card holds no secret.
    pub fn export_key_card(&self, by: &Actor, out: &Path) -> Result<KeyCardExport> {
        by.require(Permission::TrustStations)?;
        if out.as_os_str().is_empty() || out.is_dir() {
            return Err(invalid!(
                KeyCardPathInvalid,
                "请写上密钥卡的文件名（例如 U 盘上的 MZ01.key.json），不能只写文件夹",
                "Give the key card a file name (e.g. MZ01.key.json on a USB stick), not only a folder"
            ));
        }
        let card = self.station_key_card()?;
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                invalid!(
                    KeyCardPathInvalid,
                    format!("无法创建文件夹 {}：{e}", dir.display()),
                    format!("Cannot create the folder {}: {e}", dir.display())
                )
            })?;
        }
        crate::store::write_whole(out, &card)?;
        let s = self.require_station()?;
        Ok(KeyCardExport {
            path: out.to_path_buf(),
            station_code: s.code.to_string(),
            station_name: s.name.clone(),
            fingerprint: s.fingerprint(),
        })
    }

    /// `downtime pharmacy trust FILE`: trusts the station of a key card.
    pub fn trust_key_card(&mut self, by: &Actor, bytes: &[u8]) -> Result<Trusted> {
        by.require(Permission::TrustStations)?;
        let card = read_key_card(bytes)?;
        self.trust(
            by,
            &card.station_code,
            &card.station_name,
            &card.hospital,
            card.public_key,
            "key_card".into(),
            &[],
        )
    }

    /// 信任工作站 by a key card file (the one chosen in the file dialog, or `downtime pharmacy
    /// trust FILE`): read here, then trusted as `trust_key_card`.
    pub fn trust_key_card_file(&mut self, by: &Actor, path: &Path) -> Result<Trusted> {
        by.require(Permission::TrustStations)?;
        let bytes = std::fs::read(path).map_err(|e| {
            invalid!(
                FileUnreadable,
                format!("无法读取 {}：{e}", path.display()),
                format!("Cannot read {}: {e}", path.display())
            )
        })?;
        self.trust_key_card(by, &bytes)
    }

    /// Trusts the station of a verified export batch (the folder `<STATION>-batch-<NNNNNN>`),
    /// and notes the receipts it says were voided: a pharmacy refuses them from then on.
    pub fn trust_batch(&mut self, by: &Actor, folder: &Path) -> Result<Trusted> {
        by.require(Permission::TrustStations)?;
        let check = crate::batch::verify_batch(folder, None);
        let manifest = match (check.problem, check.manifest) {
            (None, Some(m)) => m,
            (Some(p), _) => {
                return Err(invalid!(
                    TrustBatchInvalid,
                    format!("批次 {} 未通过校验，不能据此信任：{}", folder.display(), p.zh),
                    format!("Batch {} fails its check and cannot be trusted: {}", folder.display(), p.en)
                ))
            }
            (None, None) => unreachable!("a batch without problems has its manifest"),
        };
        let key: [u8; 32] = hex::decode(&manifest.public_key)
            .ok()
            .and_then(|k| k.try_into().ok())
            .expect("a verified manifest's key is 32 bytes");
        let voids: Vec<(String, i64)> = manifest.voided.iter().map(|v| (v.receipt_no.clone(), manifest.batch_seq)).collect();
        let name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        self.trust(
            by,
            &manifest.station_code,
            &manifest.station_name,
            &manifest.hospital,
            key,
            format!("batch:{name}"),
            &voids,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn trust(
        &mut self,
        by: &Actor,
        code: &str,
        name: &str,
        hospital: &str,
        key: [u8; 32],
        source: String,
        voids: &[(String, i64)],
    ) -> Result<Trusted> {
        let own = self.require_station()?;
        if own.public_key == key || own.code.as_str() == code {
            return Err(invalid!(
                TrustOwnStation,
                format!("{code} 是本工作站自己：不需要信任自己的密钥"),
                format!("{code} is this station itself: its own key needs no trust")
            ));
        }
        let now = self.clock.now();
        self.in_write_tx(|desk| {
            let mut rows = Vec::new();
            let existing = desk.trusted_station(code)?;
            let new = match &existing {
                Some(t) if t.public_key != key => {
                    return Err(invalid!(
                        TrustOtherKey,
                        format!(
                            "已信任的工作站 {code} 的公钥指纹是 {}，这份文件的是 {}：可能是伪造的，或该工作站重装过；请核实后由管理员处理",
                            t.fingerprint,
                            fingerprint(&key)
                        ),
                        format!(
                            "Station {code} is trusted with fingerprint {}, this file has {}: a forgery or a reinstalled station; check before anything else",
                            t.fingerprint,
                            fingerprint(&key)
                        )
                    ))
                }
                Some(_) => false,
                None => {
                    let row = journal::insert_row(
                        &desk.conn,
                        "trusted_station",
                        &[
                            ("id", &Uuid::now_v7().to_string()),
                            ("station_code", &code),
                            ("station_name", &name),
                            ("hospital", &hospital),
                            ("public_key", &&key[..]),
                            ("source", &source),
                            ("trusted_by", &by.id().to_string()),
                            ("trusted_at", &stamp(now)),
                        ],
                    )?;
                    rows.push(("trusted_station", row));
                    true
                }
            };
            let mut noted = 0;
            for (receipt_no, batch_seq) in voids {
                let known: bool = desk.conn.qrow(
                    "SELECT EXISTS (SELECT 1 FROM issuer_void WHERE station_code = ?1 AND receipt_no = ?2)",
                    rusqlite::params![code, receipt_no],
                    |r| r.get(0),
                )?;
                if !known {
                    let row = journal::insert_row(
                        &desk.conn,
                        "issuer_void",
                        &[
                            ("station_code", &code),
                            ("receipt_no", receipt_no),
                            ("batch_seq", batch_seq),
                            ("noted_at", &stamp(now)),
                        ],
                    )?;
                    rows.push(("issuer_void", row));
                    noted += 1;
                }
            }
            if !rows.is_empty() {
                let mut extra = Map::new();
                extra.insert("source".into(), Value::from(source.clone()));
                journal::append_rows(&desk.conn, "station_trusted", by.name(), now, rows, extra)?;
            }
            let station = desk.trusted_station(code)?.expect("trusted above or before");
            Ok(Trusted {
                station,
                new,
                voids_noted: noted,
            })
        })
    }

    /// The trusted station of `code`, if any.
    pub fn trusted_station(&self, code: &str) -> Result<Option<TrustedStation>> {
        Ok(self
            .conn
            .qrow(
                "SELECT t.station_code, t.station_name, t.hospital, t.public_key, t.source, o.name, t.trusted_at \
                 FROM trusted_station t JOIN operator o ON o.id = t.trusted_by WHERE t.station_code = ?1",
                [code],
                row,
            )
            .optional()?)
    }

    /// Every trusted station, by code.
    pub fn trusted_stations(&self) -> Result<Vec<TrustedStation>> {
        let mut stmt = self.conn.prepare(
            "SELECT t.station_code, t.station_name, t.hospital, t.public_key, t.source, o.name, t.trusted_at \
             FROM trusted_station t JOIN operator o ON o.id = t.trusted_by ORDER BY t.station_code",
        )?;
        let rows = stmt.query_map([], row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Whether the batches of `station` said `receipt_no` was voided.
    pub(crate) fn voided_by_issuer(&self, station: &str, receipt_no: &str) -> Result<bool> {
        Ok(self.conn.qrow(
            "SELECT EXISTS (SELECT 1 FROM issuer_void WHERE station_code = ?1 AND receipt_no = ?2)",
            [station, receipt_no],
            |r| r.get(0),
        )?)
    }
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TrustedStation> {
    let key: Vec<u8> = r.get(3)?;
    let key: [u8; 32] = key.try_into().unwrap_or([0; 32]);
    Ok(TrustedStation {
        station_code: r.get(0)?,
        station_name: r.get(1)?,
        hospital: r.get(2)?,
        public_key: key,
        fingerprint: fingerprint(&key),
        source: r.get(4)?,
        trusted_by: r.get(5)?,
        trusted_at: parse_stamp(&r.get::<_, String>(6)?)?,
    })
}
