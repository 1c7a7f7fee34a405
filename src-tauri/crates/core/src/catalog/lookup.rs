//! Pinyin initials (拼音码, `zcf` → 诊查费) as cashiers type them to find items and patients;
//! the search itself is `search_index`, in the station file.

use pinyin::ToPinyinMulti;

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
