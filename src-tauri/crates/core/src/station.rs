//! 工作站: the one station this database belongs to, its code, hospital and signing key.
//! Setup (首次设置) creates the station, its Ed25519 key pair and the first administrator in
//! one transaction.

use crate::error::{invalid, CoreError, Result};
use crate::ids::{clean_text, Pin, Role, StationCode};
use crate::journal::{self, Change};
use crate::operator::{hash_pin, Actor};
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{parse_stamp, stamp, Clock};
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer, SigningKey};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};
use std::path::Path;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Station {
    pub id: Uuid,
    pub code: StationCode,
    pub name: String,
    pub hospital: String,
    pub public_key: [u8; 32],
    pub created_at: DateTime<Utc>,
    pub kind: StationKind,
}

pub use crate::ids::StationKind;

impl Station {
    /// The public key's fingerprint as people compare it: the first 16 bytes of its SHA-256,
    /// in groups of four hex digits (`9f3a 07c1 …`).
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.public_key)
    }
}

pub fn fingerprint(public_key: &[u8; 32]) -> String {
    let digest = Sha256::digest(public_key);
    hex::encode(&digest[..16])
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).expect("hex is ascii"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the setup screen (or `downtime init`) collects.
#[derive(Debug, Clone)]
pub struct Setup {
    pub hospital: String,
    pub code: String,
    pub station_name: String,
    pub admin_name: String,
    pub admin_pin: String,
}

/// The setup's fields, parsed.
pub(crate) struct Checked {
    hospital: String,
    code: StationCode,
    name: String,
    admin: String,
    pin: Pin,
}

/// Checks what the setup screen collected before anything is created.
pub(crate) fn check_setup(setup: &Setup) -> Result<Checked> {
    Ok(Checked {
        hospital: clean_text(&setup.hospital, 60, ("医院名称", "Hospital name"))?,
        code: StationCode::parse(&setup.code)?,
        name: clean_text(&setup.station_name, 30, ("工作站名称", "Station name"))?,
        admin: crate::operator::operator_name(&setup.admin_name, ("管理员姓名", "Administrator name"))?,
        pin: Pin::parse(&setup.admin_pin)?,
    })
}

impl Desk {
    /// 首次设置 at a path where no station exists yet (or an empty file): the station is built
    /// in a new file beside it (0600, in a folder made 0700) and moved into place only when
    /// complete, so a refused or interrupted setup leaves nothing behind. An existing station
    /// file is opened and refused by [`Desk::init_station`] (it already is a station).
    pub fn init(path: impl AsRef<Path>, setup: &Setup) -> Result<Desk> {
        Desk::init_at(path, setup, Clock::system())
    }

    /// [`Desk::init`] by `clock` (tests and the simulator set the time).
    pub fn init_at(path: impl AsRef<Path>, setup: &Setup, clock: Clock) -> Result<Desk> {
        Desk::init_as(path, setup, StationKind::Counter, clock)
    }

    /// [`Desk::init_at`] of a station of `kind` (`downtime init --kind pharmacy`).
    pub fn init_as(path: impl AsRef<Path>, setup: &Setup, kind: StationKind, clock: Clock) -> Result<Desk> {
        let path = path.as_ref();
        if !Desk::is_vacant(path)? {
            let mut desk = Desk::open(path)?;
            desk.set_clock(clock);
            desk.init_station_as(setup, kind)?;
            return Ok(desk);
        }
        check_setup(setup)?;
        Desk::create(path, clock, |desk| {
            desk.init_station_as(setup, kind)?;
            // The (empty) search indexes are current from the start, so that a search on a
            // station opened only to read never needs to write them.
            desk.ensure_patient_index()?;
            desk.ensure_item_index()
        })
    }
}

impl Desk {
    /// 首次设置 at the window on a file with no station yet: creates it ([`Desk::init_as`])
    /// and signs the administrator in (they have just typed their PIN twice, so that the
    /// sample price list can be imported from the setup screen at once). Returns the desk and
    /// the administrator, for the window to keep.
    pub fn init_signed_in(path: impl AsRef<Path>, setup: &Setup, kind: StationKind, clock: Clock) -> Result<(Desk, Actor)> {
        let mut desk = Desk::init_as(path, setup, kind, clock)?;
        let admin = desk.login(&setup.admin_name, &setup.admin_pin)?;
        Ok((desk, admin))
    }

    /// [`Desk::init_signed_in`] on a file already open without a station.
    pub fn set_up_signed_in(&mut self, setup: &Setup, kind: StationKind) -> Result<Actor> {
        self.init_station_as(setup, kind)?;
        self.login(&setup.admin_name, &setup.admin_pin)
    }

    pub fn station(&self) -> Result<Option<Station>> {
        Ok(self
            .conn
            .qrow(
                "SELECT id, code, name, hospital, public_key, created_at, kind FROM station",
                [],
                |r| {
                    let pk: Vec<u8> = r.get(4)?;
                    Ok(Station {
                        id: crate::time::parse_stored_id(&r.get::<_, String>(0)?)?,
                        code: StationCode::parse(&r.get::<_, String>(1)?).expect("stored codes are valid"),
                        name: r.get(2)?,
                        hospital: r.get(3)?,
                        public_key: pk.try_into().unwrap_or([0; 32]),
                        created_at: parse_stamp(&r.get::<_, String>(5)?)?,
                        // Stations set up before kinds existed are counters.
                        kind: match r.get::<_, Option<String>>(6)?.as_deref() {
                            Some("pharmacy") => StationKind::Pharmacy,
                            _ => StationKind::Counter,
                        },
                    })
                },
            )
            .optional()?)
    }

    /// The station, or `NotInitialised`.
    pub fn require_station(&self) -> Result<Station> {
        self.station()?.ok_or(CoreError::NotInitialised)
    }

    /// 首次设置: creates the station, its key pair and the first administrator.
    pub fn init_station(&mut self, setup: &Setup) -> Result<Station> {
        self.init_station_as(setup, StationKind::Counter)
    }

    /// 首次设置 of a station of `kind`: a pharmacy gets no registration types (it takes no
    /// money and has no price list).
    pub fn init_station_as(&mut self, setup: &Setup, kind: StationKind) -> Result<Station> {
        let Checked {
            hospital,
            code,
            name,
            admin,
            pin,
        } = check_setup(setup)?;
        if let Some(existing) = self.station()? {
            return Err(if existing.code == code {
                invalid!(
                    StationCodeTaken,
                    format!("工作站代码 {code} 已经存在：本数据库已经是这个工作站，不能再建一次"),
                    format!("Station code {code} already exists: this database already is that station")
                )
            } else {
                invalid!(
                    StationExists,
                    format!("本数据库已经是工作站 {}，不能再建立工作站 {code}", existing.code),
                    format!(
                        "This database already is station {}; it cannot become station {code}",
                        existing.code
                    )
                )
            });
        }
        let mut secret = [0u8; 32];
        getrandom::getrandom(&mut secret).map_err(|e| std::io::Error::other(e.to_string()))?;
        let key = SigningKey::from_bytes(&secret);
        let public = key.verifying_key().to_bytes();
        let now = self.clock.now();
        let station_id = Uuid::now_v7();
        let admin_id = Uuid::now_v7();
        let pin_hash = hash_pin(&pin)?;
        let tx = self.conn.transaction()?;
        tx.exec(
            "INSERT INTO station (id, code, name, hospital, public_key, created_at, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                station_id.to_string(),
                code.as_str(),
                name,
                hospital,
                &public[..],
                stamp(now),
                kind.key()
            ],
        )?;
        let station_row = tx.last_insert_rowid();
        tx.exec(
            "INSERT INTO station_key (station_id, secret_key) VALUES (?1, ?2)",
            params![station_id.to_string(), &secret[..]],
        )?;
        tx.exec(
            "INSERT INTO operator (id, name, role, pin_hash, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, NULL)",
            params![admin_id.to_string(), admin, Role::Admin.as_str(), pin_hash, stamp(now)],
        )?;
        let admin_row = tx.last_insert_rowid();
        // The registration types that fit the shipped sample price list (the hospital edits them).
        let seeded = match kind {
            StationKind::Counter => crate::registration::types::seed(&tx, admin_id, now)?,
            StationKind::Pharmacy => Vec::new(),
        };
        journal::append(
            &tx,
            Change {
                kind: "station_initialised",
                actor: &admin,
                at: now,
                rows: [("station", station_row), ("operator", admin_row)]
                    .into_iter()
                    .chain(seeded)
                    .collect(),
                extra: Default::default(),
            },
        )?;
        tx.commit()?;
        self.require_station()
    }

    /// Signs `message` with the station key (receipts and export batches use this).
    pub fn sign(&self, message: &[u8]) -> Result<[u8; 64]> {
        Ok(self.signing_key()?.sign(message).to_bytes())
    }

    pub(crate) fn signing_key(&self) -> Result<SigningKey> {
        let secret: Vec<u8> = self
            .conn
            .qrow("SELECT secret_key FROM station_key", [], |r| r.get(0))
            .optional()?
            .ok_or(CoreError::NotInitialised)?;
        let secret: [u8; 32] = secret.try_into().map_err(|_| CoreError::NotInitialised)?;
        Ok(SigningKey::from_bytes(&secret))
    }
}
