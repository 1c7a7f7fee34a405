//! The price list's search index in the station file (see `search_index`): the items of the
//! versions in force (every part's, `Desk::active_set`), in code order; (re)building it when
//! the versions in force change (after an import or an activation, or on the first search
//! after an upgrade), and the search itself. Kept apart from reading and importing rows.

use super::items::{load_item_at, CatalogItem};
use crate::error::Result;
use crate::search_index::{self, Domain, Entry, Writer};
use crate::store::Desk;
use rusqlite::Connection;

/// Rebuilds the index from the items of `versions`, in code order, inside the caller's
/// transaction.
fn rebuild(conn: &Connection, versions: &[String]) -> Result<()> {
    search_index::clear(conn, Domain::Items)?;
    {
        let mut w = Writer::bulk(conn, Domain::Items)?;
        // Read in code order through SQLite's sorter (the parts in force are merged), with the
        // small sort cache: the sorter's memory stays bounded, whatever the list's size.
        search_index::with_sort_cache(conn, || {
            let mut stmt = conn.prepare(
                "SELECT rowid, code, name, lookup FROM catalog_item WHERE version_id IN (SELECT value FROM json_each(?1)) ORDER BY code",
            )?;
            let mut rows = stmt.query([serde_json::to_string(versions).expect("strings")])?;
            let mut pos = 0;
            while let Some(r) = rows.next()? {
                pos += 1;
                let (code, name, lookup): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
                let lookups: Vec<String> = lookup.split(' ').filter(|s| !s.is_empty()).map(String::from).collect();
                w.add(&Entry {
                    pos,
                    row: r.get(0)?,
                    codes: &[code.as_str()],
                    name: &name,
                    lookups: &lookups,
                })?;
            }
            Ok(())
        })?;
        w.finish()?;
    }
    search_index::optimize(conn, Domain::Items)?;
    search_index::set_built_from(conn, Domain::Items, &versions.join(" "))
}

impl Desk {
    /// Rebuilds the item index if it was built from other versions than those in force
    /// (imports and activations call this as they finish; a search, after an upgrade).
    pub(crate) fn ensure_item_index(&mut self) -> Result<()> {
        let versions: Vec<String> = self
            .active_set()?
            .map(|s| s.ids().iter().map(|v| v.to_string()).collect())
            .unwrap_or_default();
        let source = versions.join(" ");
        if search_index::built_from(&self.conn, Domain::Items)?.as_deref() == Some(source.as_str()) {
            return Ok(());
        }
        self.bulk(|d| d.in_write_tx(|d| rebuild(&d.conn, &versions)))
    }

    /// Finds items of the active catalog, best match first: exact code, code prefix, pinyin
    /// initials prefix, any part of the name.
    pub fn catalog_search(&mut self, query: &str, limit: usize) -> Result<Vec<CatalogItem>> {
        self.ensure_item_index()?;
        search_index::search(&self.conn, Domain::Items, query, limit, |_, row, lower, check_name| {
            let item = load_item_at(&self.conn, row)?;
            Ok(item.filter(|i| !check_name || i.name.to_lowercase().contains(lower)))
        })
    }
}
