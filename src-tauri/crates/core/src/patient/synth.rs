//! Synthetic HIS patient index files for tests and benchmarks, deterministic for a seed:
//! plausible names, valid resident ID numbers (with correct check characters), phones.

use super::resident_id::check_char;
use std::io::Write;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁",
    "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚",
    "桂英", "建国", "志强", "淑珍", "晓燕", "子涵", "浩然", "梓萱", "一诺", "重阳", "长青",
];
const AREAS: &[&str] = &["110105", "310104", "440304", "330106", "510107", "420106", "320102", "610113"];

/// A CSV (UTF-8 with BOM) of `n` HIS patients: HIS号, 姓名, 性别, 出生日期, 身份证号, 联系电话.
pub fn his_index_csv(n: usize, seed: u64) -> String {
    let mut out = Vec::new();
    write_his_index_csv(&mut out, n, seed).expect("writing to memory");
    String::from_utf8(out).expect("UTF-8")
}

/// The same file written row by row to `out` (benchmarks at hospital sizes: 5 million rows
/// are 230 MB, better never held in memory).
pub fn write_his_index_csv(out: &mut impl Write, n: usize, seed: u64) -> std::io::Result<()> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move |m: u64| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % m
    };
    out.write_all("\u{feff}HIS号,姓名,性别,出生日期,身份证号,联系电话\r\n".as_bytes())?;
    for i in 0..n {
        let name = format!(
            "{}{}",
            SURNAMES[next(SURNAMES.len() as u64) as usize],
            GIVEN[next(GIVEN.len() as u64) as usize]
        );
        let (y, m, d) = (1930 + next(94), 1 + next(12), 1 + next(28));
        let seq = next(1000);
        let male = seq % 2 == 1;
        let first17 = format!("{}{y:04}{m:02}{d:02}{seq:03}", AREAS[next(AREAS.len() as u64) as usize]);
        let id = format!("{first17}{}", check_char(&first17));
        let phone = format!("13{:09}", next(1_000_000_000));
        write!(
            out,
            "H{:08},{name},{},{y:04}-{m:02}-{d:02},{id},{phone}\r\n",
            10_000_000 + i,
            if male { "男" } else { "女" }
        )?;
    }
    Ok(())
}
