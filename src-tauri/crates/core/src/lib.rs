//! Downtime Desk's core: every rule and the store, with no window in sight. The CLI
//! (`downtime`) and the Tauri shell (`downtime-desk`) are adapters over [`Desk`].
//!
//! Start reading at [`store::Desk::open`], then `journal`, then the domain modules.

pub mod admission;
pub mod anchor;
pub mod audit;
pub mod batch;
pub mod bench;
pub mod bench_search;
pub mod calendar;
pub mod capitals;
pub mod catalog;
pub mod charge;
pub mod door;
pub mod error;
pub mod export;
pub mod ids;
pub mod jcs;
pub mod journal;
pub mod lang;
pub mod money;
pub mod operator;
pub mod outage;
pub mod paper;
pub mod patient;
pub mod pharmacy;
pub mod receipt;
pub mod receipt_pdf;
pub mod registration;
pub mod report;
mod rng;
mod search_index;
pub mod setting;
pub mod sha_pair;
pub mod shift;
pub mod simulate;
pub mod station;
pub mod store;
pub mod time;
pub mod view;
pub mod workdays;

pub use calendar::{Calendar, YearCalendar};
pub use capitals::parse_capitals;
pub use error::{CoreError, Result};
pub use ids::{Permission, Role, StationCode};
pub use lang::Lang;
pub use money::Fen;
pub use operator::{Actor, Approval};
pub use store::Desk;
