//! Item lookup as cashiers know it from the HIS: by code prefix, by pinyin initials (拼音码,
//! `zcf` → 诊查费), or by any part of the Chinese name. Results are ranked: exact code, code
//! prefix, initials prefix, name substring. The index is built once per catalog version and
//! answers in microseconds: sorted keys for prefixes, a per-character posting list for
//! substrings (scanning the rarest character's list only).

use pinyin::ToPinyinMulti;
use std::collections::HashMap;

/// At most this many initials variants per name (characters with several readings multiply).
const MAX_VARIANTS: usize = 16;

/// Pinyin initials of `name`, one string per combination of readings (重 → C or Z), upper
/// case. Latin letters and digits are kept; other characters are skipped.
pub fn initials(name: &str) -> Vec<String> {
    let mut variants: Vec<String> = vec![String::new()];
    for (ch, multi) in name.chars().zip(name.to_pinyin_multi()) {
        let letters: Vec<char> = match multi {
            Some(m) => {
                let mut l: Vec<char> = m
                    .into_iter()
                    .filter_map(|p| p.first_letter().chars().next())
                    .map(|c| c.to_ascii_uppercase())
                    .collect();
                l.dedup();
                l.sort();
                l.dedup();
                l
            }
            None if ch.is_ascii_alphanumeric() => vec![ch.to_ascii_uppercase()],
            None => continue,
        };
        if letters.is_empty() {
            continue;
        }
        let mut next = Vec::with_capacity(variants.len() * letters.len());
        for v in &variants {
            for l in &letters {
                if next.len() < MAX_VARIANTS {
                    let mut s = v.clone();
                    s.push(*l);
                    next.push(s);
                }
            }
        }
        variants = next;
    }
    variants.retain(|v| !v.is_empty());
    variants.sort();
    variants.dedup();
    variants
}

/// What the index needs of an item (or a patient).
pub struct Entry<'a> {
    /// Matched exactly and by prefix, case-insensitively (item code; downtime number, HIS
    /// ID, ID number and phone of a patient).
    pub codes: &'a [&'a str],
    pub name: &'a str,
    /// Lookup codes from the file, or generated initials.
    pub lookups: &'a [String],
}

/// A search index over one catalog version; positions refer to the caller's item order.
pub struct Index {
    codes: Vec<(String, u32)>,
    lookups: Vec<(String, u32)>,
    names: Vec<String>,
    by_char: HashMap<char, Vec<u32>>,
}

impl Index {
    pub fn build<'a>(items: impl Iterator<Item = Entry<'a>>) -> Index {
        let mut index = Index {
            codes: Vec::new(),
            lookups: Vec::new(),
            names: Vec::new(),
            by_char: HashMap::new(),
        };
        for e in items {
            index.add(e);
        }
        index.codes.sort();
        index.lookups.sort();
        index
    }

    /// Appends an entry, unsorted (for `build`).
    fn add(&mut self, e: Entry<'_>) -> u32 {
        let i = self.names.len() as u32;
        for c in e.codes.iter().filter(|c| !c.is_empty()) {
            self.codes.push((c.to_lowercase(), i));
        }
        for l in e.lookups {
            self.lookups.push((l.to_uppercase(), i));
        }
        let lower = e.name.to_lowercase();
        let mut seen: Vec<char> = lower.chars().collect();
        seen.sort_unstable();
        seen.dedup();
        for c in seen {
            // Positions only grow, so each posting list stays sorted.
            self.by_char.entry(c).or_default().push(i);
        }
        self.names.push(lower);
        i
    }

    /// Adds one entry to a built index, keeping it sorted; returns its position.
    pub fn insert(&mut self, e: Entry<'_>) -> u32 {
        let (codes_before, lookups_before) = (self.codes.len(), self.lookups.len());
        let i = self.add(e);
        let new_codes: Vec<_> = self.codes.drain(codes_before..).collect();
        for key in new_codes {
            let at = self.codes.partition_point(|x| *x < key);
            self.codes.insert(at, key);
        }
        let new_lookups: Vec<_> = self.lookups.drain(lookups_before..).collect();
        for key in new_lookups {
            let at = self.lookups.partition_point(|x| *x < key);
            self.lookups.insert(at, key);
        }
        i
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Up to `limit` positions, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<u32> {
        let q = query.trim();
        let mut out: Vec<u32> = Vec::with_capacity(limit);
        if q.is_empty() || limit == 0 {
            return out;
        }
        let push = |out: &mut Vec<u32>, i: u32| {
            if out.len() < limit && !out.contains(&i) {
                out.push(i);
            }
        };
        let lower = q.to_lowercase();
        // 1 and 2: exact code, then code prefix (the exact one sorts first in its range).
        let start = self.codes.partition_point(|(c, _)| c.as_str() < lower.as_str());
        for (_, i) in self.codes[start..].iter().take_while(|(c, _)| *c == lower) {
            push(&mut out, *i);
        }
        for (_, i) in self.codes[start..].iter().take_while(|(c, _)| c.starts_with(&lower)) {
            if out.len() >= limit {
                return out;
            }
            push(&mut out, *i);
        }
        // 3: initials prefix.
        if q.chars().all(|c| c.is_ascii_alphanumeric()) {
            let upper = q.to_uppercase();
            let start = self.lookups.partition_point(|(l, _)| l.as_str() < upper.as_str());
            for (_, i) in self.lookups[start..].iter().take_while(|(l, _)| l.starts_with(&upper)) {
                if out.len() >= limit {
                    return out;
                }
                push(&mut out, *i);
            }
        }
        // 4: name substring, scanning the postings of the query's rarest character.
        let rarest = lower
            .chars()
            .map(|c| self.by_char.get(&c).map(|p| p.as_slice()).unwrap_or(&[]))
            .min_by_key(|p| p.len())
            .unwrap_or(&[]);
        for i in rarest {
            if out.len() >= limit {
                break;
            }
            if self.names[*i as usize].contains(&lower) {
                push(&mut out, *i);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_plain_names() {
        for (name, expected) in [
            ("诊查费", "ZCF"),
            ("阿莫西林胶囊", "AMXLJN"),
            ("维生素C片", "WSSCP"),
            ("CT平扫(头颅)", "CTPSTL"),
        ] {
            let got = initials(name);
            assert!(got.contains(&expected.to_string()), "{name}: {got:?}");
        }
        assert_eq!(initials("维生素C片"), ["WSSCP"], "one reading, one variant");
    }

    #[test]
    fn initials_keep_every_reading() {
        let v = initials("重组人胰岛素");
        assert!(v.contains(&"CZRYDS".to_string()) && v.contains(&"ZZRYDS".to_string()), "{v:?}");
        let v = initials("长春新碱");
        assert!(v.contains(&"CCXJ".to_string()) && v.contains(&"ZCXJ".to_string()), "{v:?}");
        let v = initials("血常规");
        assert!(v.contains(&"XCG".to_string()), "{v:?}");
        assert!(v.len() <= MAX_VARIANTS);
    }
}
