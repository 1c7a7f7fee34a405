//! `downtime register`, `downtime registration …`, `downtime regtype …`, `downtime dept …`:
//! outpatient registration, its types and the departments it is made at.

use crate::patients::{file_name, read_file};
use crate::{print_json, Ctx};
use clap::{Args, Subcommand};
use downtime_core::registration::{registration_id, NewRegistration};
use downtime_core::view::{DepartmentView, RegTypeView, RegistrationCancelView, RegistrationView};
use downtime_core::{Approval, CoreError, Fen};
use std::path::PathBuf;
use std::process::ExitCode;

type Out = Result<ExitCode, CoreError>;

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
    #[command(flatten)]
    pay: crate::charges::PayArgs,
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
pub fn register(a: RegisterArgs, ctx: &mut Ctx) -> Out {
    let (tenders, cash_tendered, payer) = a.pay.parse()?;
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
            payer,
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
