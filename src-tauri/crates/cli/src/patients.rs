//! `downtime patient …`, `downtime patients import`: the patients of this station and the HIS
//! patient index (registration is in `registrations.rs`).

use crate::{print_json, Ctx};
use clap::Subcommand;
use downtime_core::catalog::stream::Input;
use downtime_core::patient::NewPatient;
use downtime_core::view::PatientView;
use downtime_core::{Approval, CoreError};
use std::path::PathBuf;
use std::process::ExitCode;

type Out = Result<ExitCode, CoreError>;

#[derive(Subcommand)]
pub enum PatientCmd {
    /// 新建患者，输出停机号
    Add {
        #[arg(long)]
        name: String,
        /// M（男）、F（女）、U（未知）
        #[arg(long)]
        sex: String,
        /// 出生日期 YYYY-MM-DD
        #[arg(long, conflicts_with = "age")]
        birth: Option<String>,
        /// 年龄（不知道出生日期时）
        #[arg(long)]
        age: Option<i64>,
        /// 身份证号
        #[arg(long)]
        id_number: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        address: Option<String>,
        /// employee、resident、public_funded、commercial、self_pay
        #[arg(long)]
        insurance: Option<String>,
        #[arg(long)]
        insurance_no: Option<String>,
        /// 确认不是重复患者（姓名与出生日期或电话相同的另一个人）
        #[arg(long)]
        confirm_duplicate: bool,
        /// 确认填写的出生日期或性别与身份证号不一致
        #[arg(long)]
        confirm_mismatch: bool,
        #[arg(long)]
        json: bool,
    },
    /// 更正患者信息（只写要改的项；留下更正记录，已开具的票据不变）
    Correct {
        /// 停机号
        patient: String,
        #[arg(long)]
        name: Option<String>,
        /// M（男）、F（女）、U（未知）
        #[arg(long)]
        sex: Option<String>,
        /// 出生日期 YYYY-MM-DD
        #[arg(long, conflicts_with = "age")]
        birth: Option<String>,
        #[arg(long)]
        age: Option<i64>,
        /// 身份证号（写 none 清除）
        #[arg(long)]
        id_number: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        address: Option<String>,
        /// employee、resident、public_funded、commercial、self_pay
        #[arg(long)]
        insurance: Option<String>,
        #[arg(long)]
        insurance_no: Option<String>,
        /// 确认填写的出生日期或性别与身份证号不一致
        #[arg(long)]
        confirm_mismatch: bool,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// 合并两条属于同一人的停机登记（需主管）；两个停机号都能找到合并后的患者
    Merge {
        /// 并入另一条的停机号
        merged: String,
        /// 保留的停机号
        #[arg(long)]
        into: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        supervisor: String,
        #[arg(long)]
        supervisor_pin: String,
        #[arg(long)]
        json: bool,
    },
    /// 查找患者：姓名、拼音首字母、身份证号、电话、停机号或 HIS 号
    Find {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum PatientsCmd {
    /// 导入 HIS 患者索引快照（只读）
    Import {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
        /// 有问题行时仍导入其余正确的行
        #[arg(long)]
        skip_bad: bool,
        #[arg(long)]
        json: bool,
    },
}

fn unreadable(path: &std::path::Path, e: std::io::Error) -> CoreError {
    CoreError::invalid(
        downtime_core::error::ErrorCode::FileUnreadable,
        format!("无法读取文件 {}：{e}", path.display()),
        format!("Cannot read the file {}: {e}", path.display()),
    )
}

pub(crate) fn read_file(path: &PathBuf) -> Result<Vec<u8>, CoreError> {
    std::fs::read(path).map_err(|e| unreadable(path, e))
}

pub(crate) fn file_name(path: &std::path::Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn show_patient(p: &downtime_core::patient::Patient) -> String {
    let number = p
        .downtime_no
        .clone()
        .or(p.his_id.as_ref().map(|h| format!("HIS {h}")))
        .unwrap_or_default();
    let birth = p.birth.map(|b| b.to_string()).unwrap_or_default();
    format!(
        "{number}\t{}\t{}\t{birth}\t{}\t{}",
        p.name,
        p.sex.zh(),
        p.id_number.clone().unwrap_or_default(),
        p.phone
    )
}

pub fn patient(cmd: PatientCmd, ctx: &mut Ctx) -> Out {
    match cmd {
        PatientCmd::Add {
            name,
            sex,
            birth,
            age,
            id_number,
            phone,
            address,
            insurance,
            insurance_no,
            confirm_duplicate,
            confirm_mismatch,
            json,
        } => {
            let me = ctx.actor()?;
            let p = ctx.desk.add_patient(
                &me,
                &NewPatient {
                    name,
                    sex,
                    birth,
                    age,
                    id_number,
                    phone,
                    address,
                    insurance,
                    insurance_no,
                    confirm_duplicate,
                    confirm_id_mismatch: confirm_mismatch,
                },
            )?;
            if json {
                print_json(&PatientView::from(&p));
            } else {
                println!("{}", p.downtime_no.unwrap_or_default());
            }
        }
        PatientCmd::Correct {
            patient,
            name,
            sex,
            birth,
            age,
            id_number,
            phone,
            address,
            insurance,
            insurance_no,
            confirm_mismatch,
            reason,
            json,
        } => {
            let me = ctx.actor()?;
            let now = ctx.desk.resolve_patient(&me, &patient)?;
            let keep = |typed: Option<String>, current: String| Some(typed.unwrap_or(current));
            let (birth, age) = match (birth, age) {
                (Some(b), _) => (Some(b), None),
                (None, Some(a)) => (None, Some(a)),
                (None, None) => (
                    now.birth.map(|b| b.to_string()),
                    if now.birth.is_none() { now.age_years } else { None },
                ),
            };
            let details = NewPatient {
                name: name.unwrap_or(now.name.clone()),
                sex: sex.unwrap_or(now.sex.key().to_string()),
                birth,
                age,
                id_number: match id_number.as_deref() {
                    Some("none") => None,
                    Some(n) => Some(n.to_string()),
                    None => now.id_number.clone(),
                },
                phone: keep(phone, now.phone.clone()),
                address: keep(address, now.address.clone()),
                insurance: keep(insurance, now.insurance.key().to_string()),
                insurance_no: keep(insurance_no, now.insurance_no.clone()),
                confirm_duplicate: true,
                confirm_id_mismatch: confirm_mismatch,
            };
            let p = ctx.desk.correct_patient(&me, &patient, &details, &reason)?;
            if json {
                print_json(&PatientView::from(&p));
            } else {
                println!("已更正：{}", show_patient(&p));
            }
        }
        PatientCmd::Merge {
            merged,
            into,
            reason,
            supervisor,
            supervisor_pin,
            json,
        } => {
            let sup = Approval::typed(Some(&supervisor), Some(&supervisor_pin));
            let me = ctx.actor()?;
            let p = ctx.desk.merge_patients(&me, sup, &merged, &into, &reason)?;
            if json {
                print_json(&PatientView::from(&p));
            } else {
                println!("已合并：{} 并入 {}", merged.trim(), show_patient(&p));
            }
        }
        PatientCmd::Find { query, limit, json } => {
            ctx.actor()?;
            let found = ctx.desk.find_patients(&query, limit.clamp(1, 200))?;
            if json {
                print_json(&found.iter().map(PatientView::from).collect::<Vec<_>>());
            } else if found.is_empty() {
                println!("没有找到“{query}”");
            } else {
                for p in &found {
                    println!("{}", show_patient(p));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn patients(cmd: PatientsCmd, ctx: &mut Ctx) -> Out {
    let PatientsCmd::Import {
        file,
        dry_run,
        skip_bad,
        json,
    } = cmd;
    // Read as it is imported (a big hospital's index is millions of rows); an unreadable
    // file gets the same message as before.
    drop(std::fs::File::open(&file).map_err(|e| unreadable(&file, e))?);
    let me = ctx.actor()?;
    let mut bar = crate::progress::Bar::on_terminal(json);
    let r = ctx.desk.import_patient_snapshot_from(
        &me,
        Input::Path(&file),
        &file_name(&file),
        skip_bad,
        dry_run,
        &mut |stage, done, total| bar.show(stage, done, total),
    );
    bar.finish();
    let r = r?;
    if json {
        let v = serde_json::json!({
            "file_name": r.file_name, "rows_read": r.rows_read, "good": r.good, "already_imported": r.already_imported,
            "problems": r.problems, "problems_total": r.problems_total, "snapshot_id": r.snapshot.as_ref().map(|s| s.id.to_string()),
        });
        print_json(&v);
    } else {
        println!(
            "{}：{} 行，可导入 {} 人，问题 {} 行",
            r.file_name, r.rows_read, r.good, r.problems_total
        );
        for p in &r.problems {
            println!("  第 {} 行（{}）：{}", p.row, p.code, p.reason);
        }
        if r.problems_total > r.problems.len() {
            println!("  ……另有 {} 行问题未列出", r.problems_total - r.problems.len());
        }
        match (&r.snapshot, r.already_imported, dry_run) {
            (Some(_), true, _) => println!("此文件已导入过，未重复导入"),
            (Some(s), false, false) => println!("已导入 HIS 患者索引：{} 人", s.patients),
            _ => println!("（试运行：未写入任何内容）"),
        }
    }
    Ok(ExitCode::SUCCESS)
}
