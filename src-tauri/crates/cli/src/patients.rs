//! `downtime patient …`, `downtime patients import`, `downtime register`, `downtime
//! registration …`, `downtime dept …`: patients and outpatient registration.

use crate::{print_json, Ctx};
use clap::{Args, Subcommand};
use downtime_core::catalog::stream::Input;
use downtime_core::patient::NewPatient;
use downtime_core::registration::NewRegistration;
use downtime_core::view::{DepartmentView, PatientView, RegTypeView, RegistrationCancelView, RegistrationView};
use downtime_core::{Approval, CoreError, Fen};
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

#[derive(Args)]
pub struct RegisterArgs {
    /// 停机号或 HIS 号
    #[arg(long)]
    patient: String,
    /// 科室编码
    #[arg(long)]
    dept: String,
    /// 号别编码或名称（downtime regtype list 列出）
    #[arg(long = "type")]
    reg_type: String,
    #[arg(long)]
    doctor: Option<String>,
    /// 挂号费支付：方式:金额[:参考号]，可重复；免费号别不填
    #[arg(long = "pay", value_name = "METHOD:YUAN[:REF]")]
    pays: Vec<String>,
    /// 现金实收（找零 = 实收 - 现金应付）
    #[arg(long)]
    tendered: Option<String>,
    /// 按医保患者收费（登记了医保的患者默认如此）：全额自付，恢复后重新结算
    #[arg(long, conflicts_with = "self_pay")]
    insured: bool,
    /// 登记了医保的患者按自费收费，并写明原因
    #[arg(long, value_name = "原因")]
    self_pay: Option<String>,
    /// 补录纸质记录：实际挂号时间
    #[arg(long)]
    back_entry: Option<String>,
    /// 这次挂号的编号（UUID；重试时用同一个，不会重复挂号收费）
    #[arg(long)]
    id: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum RegistrationCmd {
    /// 退号：已收挂号费的原路退还（需主管）
    Cancel {
        id: String,
        #[arg(long)]
        reason: String,
        /// 主管姓名（退还挂号费时）
        #[arg(long)]
        supervisor: Option<String>,
        #[arg(long)]
        supervisor_pin: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 打印候诊条 PDF
    Slip {
        id: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// 某日的挂号（默认今天）
    List {
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum RegtypeCmd {
    /// 列出号别及其费用项目（按当前价目表计价）
    List {
        #[arg(long)]
        json: bool,
    },
    /// 新增或修改号别（主管或管理员）
    Set {
        /// 号别编码，如 ordinary
        key: String,
        /// 号别名称，如 普通号
        #[arg(long)]
        name: String,
        /// 费用项目的价目表编码，按收费顺序，可重复；不填为免费号别
        #[arg(long = "fee", value_name = "CODE")]
        fees: Vec<String>,
        /// 停用（不再供挂号选择）
        #[arg(long)]
        inactive: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum DeptCmd {
    /// 导入科室表（CSV：科室编码, 科室名称, 类别, 医生）
    Import { file: PathBuf },
    /// 列出科室
    List {
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

fn read_file(path: &PathBuf) -> Result<Vec<u8>, CoreError> {
    std::fs::read(path).map_err(|e| unreadable(path, e))
}

fn file_name(path: &std::path::Path) -> String {
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

pub fn register(a: RegisterArgs, ctx: &mut Ctx) -> Out {
    let tenders = a
        .pays
        .iter()
        .map(|p| crate::charges::tender_arg(p))
        .collect::<Result<Vec<_>, _>>()?;
    let cash_tendered = a.tendered.as_deref().map(Fen::parse_yuan).transpose()?;
    let back = downtime_core::time::TypedTime::parse_opt(a.back_entry.as_deref())?;
    let id = match &a.id {
        Some(i) => crate::charges::uuid_arg(i, "挂号编号")?,
        None => uuid::Uuid::now_v7(),
    };
    let me = ctx.actor()?;
    let r = ctx.desk.register(
        &me,
        &NewRegistration {
            id,
            doctor: a.doctor,
            back_entered_at: back,
            cash_tendered,
            payer: crate::payer(a.insured, a.self_pay),
            ..NewRegistration::new(a.patient, a.dept, a.reg_type, tenders)
        },
    )?;
    if a.json {
        print_json(&RegistrationView::from(&r));
    } else {
        match &r.fee_receipt {
            Some(no) if r.change > Fen::ZERO => println!(
                "{} 第 {} 号  收据 {no}  挂号费 {}  找零 {}",
                r.dept_name, r.queue_no, r.fee, r.change
            ),
            Some(no) => println!("{} 第 {} 号  收据 {no}  挂号费 {}", r.dept_name, r.queue_no, r.fee),
            None => println!("{} 第 {} 号", r.dept_name, r.queue_no),
        }
    }
    Ok(ExitCode::SUCCESS)
}

use downtime_core::registration::registration_id;

pub fn registration(cmd: RegistrationCmd, ctx: &mut Ctx) -> Out {
    match cmd {
        RegistrationCmd::Cancel {
            id,
            reason,
            supervisor,
            supervisor_pin,
            json,
        } => {
            let id = registration_id(&id)?;
            let sup = Approval::typed(supervisor.as_deref(), supervisor_pin.as_deref());
            let me = ctx.actor()?;
            let r = ctx.desk.cancel_registration(&me, id, &reason, Some(&sup))?;
            if json {
                print_json(&RegistrationCancelView::from(&r));
            } else {
                println!("已退号：{} {} 第 {} 号", r.patient_name, r.dept_name, r.queue_no);
                if let Some((no, amount)) = r.cancelled.as_ref().and_then(|c| c.refund.clone()) {
                    println!("退费凭证 {no}：退还挂号费 {amount}");
                }
            }
        }
        RegistrationCmd::Slip { id, out } => {
            let me = ctx.actor()?;
            let id = registration_id(&id)?;
            ctx.desk.queue_slip_to(&me, id, &out)?;
            println!("{}", out.display());
        }
        RegistrationCmd::List { date, json } => {
            ctx.actor()?;
            let day = match date {
                Some(d) => downtime_core::time::parse_date(&d)?,
                None => ctx.desk.today(),
            };
            let regs = ctx.desk.registrations_on(day)?;
            if json {
                print_json(&regs.iter().map(RegistrationView::from).collect::<Vec<_>>());
            } else {
                for r in regs {
                    let mark = if r.cancelled.is_some() { "（已退号）" } else { "" };
                    println!(
                        "{}\t{} 第 {} 号\t{}\t{}\t{}\t{}\t{}{mark}",
                        r.id,
                        r.dept_name,
                        r.queue_no,
                        r.reg_type_name,
                        r.downtime_no,
                        r.patient_name,
                        r.fee,
                        r.fee_receipt.as_deref().unwrap_or("")
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn regtype(cmd: RegtypeCmd, ctx: &mut Ctx) -> Out {
    match cmd {
        RegtypeCmd::List { json } => {
            let priced = ctx.desk.reg_types_priced()?;
            if json {
                print_json(&priced.iter().map(RegTypeView::from).collect::<Vec<_>>());
            } else if priced.is_empty() {
                println!("还没有号别：用 downtime regtype set 添加");
            } else {
                for f in &priced {
                    let items: Vec<String> = f
                        .items
                        .iter()
                        .map(|(code, item)| match item {
                            Some(i) => format!("{code} {} ¥{}", i.name, i.price.yuan_text()),
                            None => format!("{code}（价目表中没有）"),
                        })
                        .collect();
                    let total = f.total().map(|t| t.to_string()).unwrap_or_else(|| "—".into());
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        f.reg_type.key,
                        f.reg_type.name,
                        if f.reg_type.active { "启用" } else { "停用" },
                        total,
                        if items.is_empty() { "免费".into() } else { items.join(" + ") }
                    );
                }
            }
        }
        RegtypeCmd::Set {
            key,
            name,
            fees,
            inactive,
            json,
        } => {
            let me = ctx.actor()?;
            let t = ctx.desk.set_reg_type(&me, &key, &name, &fees, !inactive)?;
            let f = ctx.desk.reg_type_fees(&t)?;
            if json {
                print_json(&RegTypeView::from(&f));
            } else {
                println!(
                    "已保存号别 {} {}：挂号费 {}",
                    t.key,
                    t.name,
                    f.total().map(|t| t.to_string()).unwrap_or_default()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn dept(cmd: DeptCmd, ctx: &mut Ctx) -> Out {
    match cmd {
        DeptCmd::Import { file } => {
            let bytes = read_file(&file)?;
            let me = ctx.actor()?;
            let depts = ctx.desk.import_departments(&me, &bytes, &file_name(&file))?;
            println!("已导入科室表：共 {} 个科室", depts.len());
        }
        DeptCmd::List { json } => {
            let depts = ctx.desk.departments()?;
            if json {
                print_json(&depts.iter().map(DepartmentView::from).collect::<Vec<_>>());
            } else {
                for d in depts {
                    println!("{}\t{}\t{}", d.code, d.name, d.doctors.join("、"));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
