//! `downtime admit`, `downtime admission …`, `downtime deposit …`, `downtime simulate`:
//! inpatient admissions, deposits, and the outage simulator.

use crate::{print_json, Ctx};
use clap::{Args, Subcommand};
use downtime_core::admission::{DepositAccount, DepositInput, DepositRefundInput, NewAdmission};
use downtime_core::charge::ReceiptKind;
use downtime_core::time::local_display;
use downtime_core::view::{AdmissionView, DepositAccountView, ReceiptView};
use downtime_core::{Approval, CoreError, Fen};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

type Out = Result<ExitCode, CoreError>;

#[derive(Args)]
pub struct AdmitArgs {
    /// 停机号或 HIS 号
    #[arg(long)]
    patient: String,
    /// 科室编码
    #[arg(long)]
    dept: String,
    #[arg(long)]
    ward: Option<String>,
    #[arg(long)]
    bed: Option<String>,
    #[arg(long)]
    doctor: Option<String>,
    #[arg(long)]
    diagnosis: Option<String>,
    /// 申报的医保类型（停机期间按自费入院）
    #[arg(long)]
    insurance: Option<String>,
    #[arg(long)]
    insurance_no: Option<String>,
    /// 确认同一患者再次入院
    #[arg(long)]
    confirm_second: bool,
    /// 补录：实际入院时间
    #[arg(long)]
    back_entry: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum AdmissionCmd {
    /// 取消入院
    Cancel {
        inpatient_no: String,
        #[arg(long)]
        reason: String,
    },
    /// 转病区/转床
    Transfer {
        inpatient_no: String,
        #[arg(long)]
        ward: String,
        #[arg(long)]
        bed: Option<String>,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// 列出入院记录
    List {
        #[arg(long)]
        json: bool,
    },
    /// 预交金汇总 PDF
    Summary {
        inpatient_no: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "a5")]
        layout: String,
    },
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DepositArgs {
    #[command(subcommand)]
    pub(crate) sub: Option<DepositSub>,
    /// 住院号
    #[arg(long)]
    admission: Option<String>,
    /// 交款：方式:金额[:参考号]，可重复（支票：cheque:金额:银行/支票号）
    #[arg(long = "pay", value_name = "METHOD:YUAN[:REF]")]
    pays: Vec<String>,
    /// 现金实收
    #[arg(long)]
    tendered: Option<String>,
    /// 补录：实际交款时间
    #[arg(long)]
    back_entry: Option<String>,
    /// 交款人（亲属代交时；不写则为患者本人）
    #[arg(long)]
    payer: Option<String>,
    /// 交款人与患者关系，如 子女、配偶
    #[arg(long)]
    relation: Option<String>,
    /// 交款人电话
    #[arg(long)]
    payer_phone: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum DepositSub {
    /// 退预交金（需主管）
    Refund {
        #[arg(long)]
        admission: String,
        #[arg(long)]
        amount: String,
        /// 退款方式:金额[:参考号]，可重复；不写则原路退回（按交款方式）
        #[arg(long = "pay", value_name = "METHOD:YUAN[:REF]")]
        pays: Vec<String>,
        #[arg(long)]
        reason: String,
        /// 不按原路退回时的原因（打印在凭证上）
        #[arg(long)]
        pay_back_reason: Option<String>,
        #[arg(long)]
        supervisor: String,
        #[arg(long)]
        supervisor_pin: String,
        #[arg(long)]
        json: bool,
    },
    /// 预交金余额及每笔明细
    Balance {
        #[arg(long)]
        admission: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct SimulateArgs {
    /// 模拟的患者人数
    #[arg(long)]
    patients: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// 每张收据提交后立即把收据号追加到此文件
    #[arg(long)]
    ack: Option<PathBuf>,
}

pub fn admit(a: AdmitArgs, ctx: &mut Ctx) -> Out {
    let back = downtime_core::time::TypedTime::parse_opt(a.back_entry.as_deref())?;
    let me = ctx.actor()?;
    let adm = ctx.desk.admit(
        &me,
        &NewAdmission {
            patient: a.patient,
            dept: a.dept,
            ward: a.ward,
            bed: a.bed,
            doctor: a.doctor,
            diagnosis: a.diagnosis,
            insurance: a.insurance,
            insurance_no: a.insurance_no,
            confirm_second: a.confirm_second,
            back_entered_at: back,
        },
    )?;
    if a.json {
        print_json(&AdmissionView::from(&adm));
    } else {
        println!("{}", adm.inpatient_no);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn admission(cmd: AdmissionCmd, ctx: &mut Ctx) -> Out {
    match cmd {
        AdmissionCmd::Cancel { inpatient_no, reason } => {
            let me = ctx.actor()?;
            let a = ctx.desk.cancel_admission(&me, &inpatient_no, &reason)?;
            println!("已取消入院 {}", a.inpatient_no);
        }
        AdmissionCmd::Transfer {
            inpatient_no,
            ward,
            bed,
            reason,
        } => {
            let me = ctx.actor()?;
            let a = ctx.desk.transfer_admission(&me, &inpatient_no, &ward, bed.as_deref(), &reason)?;
            println!("{} 已转至 {} {}", a.inpatient_no, a.ward, a.bed);
        }
        AdmissionCmd::List { json } => {
            ctx.actor()?;
            let all = ctx.desk.admissions(false)?;
            if json {
                print_json(&all.iter().map(AdmissionView::from).collect::<Vec<_>>());
            } else {
                for a in all {
                    let mark = if a.cancelled.is_some() {
                        "（已取消）"
                    } else if a.convert_to_insured {
                        "（恢复后转医保）"
                    } else {
                        ""
                    };
                    println!(
                        "{}\t{}\t{}\t{} {}\t{}{mark}",
                        a.inpatient_no,
                        a.patient_name,
                        a.dept_name,
                        a.ward,
                        a.bed,
                        local_display(a.admitted_at)
                    );
                }
            }
        }
        AdmissionCmd::Summary { inpatient_no, out, layout } => {
            let me = ctx.actor()?;
            ctx.desk.deposit_summary_to(&me, &inpatient_no, &layout, &out)?;
            println!("{}", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show_account(acc: &DepositAccount) {
    println!(
        "{} {}（{}）预交金余额 {}",
        acc.admission.inpatient_no, acc.admission.patient_name, acc.admission.dept_name, acc.balance
    );
    for m in &acc.movements {
        let what = match m.kind {
            ReceiptKind::Deposit => "预交",
            _ => "退款",
        };
        let mark = if m.voided.is_some() { "（已作废）" } else { "" };
        println!("  {}\t{}\t{what}\t{}{mark}", m.receipt_no, local_display(m.occurred_at), m.total);
    }
}

pub fn deposit(a: DepositArgs, ctx: &mut Ctx) -> Out {
    match a.sub {
        Some(DepositSub::Refund {
            admission,
            amount,
            pays,
            reason,
            pay_back_reason,
            supervisor,
            supervisor_pin,
            json,
        }) => {
            let amount = Fen::parse_yuan(&amount)?;
            let tenders = crate::charges::tenders(&pays)?;
            let sup = Approval::typed(Some(&supervisor), Some(&supervisor_pin));
            let me = ctx.actor()?;
            let r = ctx.desk.refund_deposit(
                &me,
                sup,
                &DepositRefundInput {
                    id: uuid::Uuid::now_v7(),
                    admission_no: admission.clone(),
                    amount,
                    tenders,
                    reason,
                    pay_back_reason,
                },
            )?;
            let balance = ctx.desk.deposit_account(&admission)?.balance;
            if json {
                print_json(
                    &serde_json::json!({"receipt_no": r.receipt_no, "amount_fen": r.total.get(), "balance_fen": balance.get(), "receipt": ReceiptView::from(&r)}),
                );
            } else {
                println!("{}", r.receipt_no);
            }
        }
        Some(DepositSub::Balance { admission, json }) => {
            ctx.actor()?;
            let acc = ctx.desk.deposit_account(&admission)?;
            if json {
                print_json(&DepositAccountView::from(&acc))
            } else {
                show_account(&acc)
            }
        }
        None => {
            let admission = a.admission.ok_or_else(|| {
                CoreError::invalid(
                    downtime_core::error::ErrorCode::AdmissionRequired,
                    "请用 --admission 指定住院号",
                    "Give the inpatient number with --admission",
                )
            })?;
            let tenders = crate::charges::tenders(&a.pays)?;
            let cash_tendered = a.tendered.as_deref().map(Fen::parse_yuan).transpose()?;
            let back = downtime_core::time::TypedTime::parse_opt(a.back_entry.as_deref())?;
            let me = ctx.actor()?;
            let r = ctx.desk.take_deposit(
                &me,
                &DepositInput {
                    id: uuid::Uuid::now_v7(),
                    admission_no: admission.clone(),
                    tenders,
                    cash_tendered,
                    back_entered_at: back,
                    payer: a.payer.map(|name| downtime_core::charge::Depositor {
                        name,
                        relation: a.relation.unwrap_or_default(),
                        phone: a.payer_phone.unwrap_or_default(),
                    }),
                },
            )?;
            let balance = ctx.desk.deposit_account(&admission)?.balance;
            if a.json {
                print_json(
                    &serde_json::json!({"receipt_no": r.receipt_no, "amount_fen": r.total.get(), "balance_fen": balance.get(), "change_fen": r.change.get(), "receipt": ReceiptView::from(&r)}),
                );
            } else {
                println!("{}", r.receipt_no);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn simulate(a: SimulateArgs, ctx: &mut Ctx) -> Out {
    let admin = ctx.actor()?;
    let mut ack = match &a.ack {
        Some(path) => Some(std::fs::OpenOptions::new().create(true).append(true).open(path)?),
        None => None,
    };
    let sum = downtime_core::simulate::run(&mut ctx.desk, &admin, a.patients, a.seed, &mut |r| {
        if let Some(f) = ack.as_mut() {
            writeln!(f, "{}", r.receipt_no)?;
            f.flush()?;
            f.sync_data()?;
        }
        Ok(())
    })?;
    println!(
        "模拟完成：{} 位患者，{} 次挂号，{} 张收费收据，作废 {}，退费 {}，入院 {}，预交金 {} 笔，净收 {}",
        sum.patients,
        sum.registrations,
        sum.receipts,
        sum.voids,
        sum.refunds,
        sum.admissions,
        sum.deposits,
        Fen::new(sum.taken.max(0))?
    );
    Ok(ExitCode::SUCCESS)
}
