//! The foundation's commands: init, station, operator, outage, shift, verify, bench.

use crate::{print_json, Command, Ctx};
use clap::{Args, Subcommand};
use downtime_core::outage::{NewOutage, OutageClose};
use downtime_core::paper::PaperBook;
use downtime_core::report::close::{CashCount, Counted};
use downtime_core::station::Setup;
use downtime_core::time::{local_display, TypedTime};
use downtime_core::view::{OperatorView, OutageView, ShiftView, StationView, VerifyView};
use downtime_core::{Actor, Approval, CoreError, Desk, Fen, Role};
use std::process::ExitCode;

type Out = Result<ExitCode, CoreError>;

#[derive(Args)]
pub struct JsonFlag {
    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// 纸面上的锚点（收据二维码、交班单、批次封面上的 序号:哈希前缀），可重复
    #[arg(long = "anchor", value_name = "SEQ:HASHPREFIX")]
    anchors: Vec<String>,
    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct InitArgs {
    /// 医院名称
    #[arg(long)]
    hospital: String,
    /// 工作站代码，如 MZ01
    #[arg(long)]
    station: String,
    /// 工作站名称，如 门诊收费一号窗
    #[arg(long)]
    station_name: String,
    /// 第一位管理员的姓名
    #[arg(long)]
    admin: String,
    /// 管理员 PIN（4-12 位数字）
    #[arg(long)]
    admin_pin: String,
    /// 工作站类型：counter（收费窗口，默认）或 pharmacy（药房：不收费、没有价目表）
    #[arg(long, default_value = "counter")]
    kind: String,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum StationCmd {
    /// 显示工作站与公钥指纹
    Show(JsonFlag),
    /// 导出本工作站的密钥卡（工作站代码、名称、公钥和指纹，由本站密钥签名），供药房导入；需管理员、主管或药房主管
    Key {
        /// 密钥卡文件
        #[arg(long)]
        out: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum OperatorCmd {
    /// 添加操作员（管理员操作；管理员的 --as/--pin 写在命令之前，或用 DOWNTIME_OPERATOR/DOWNTIME_PIN）
    Add {
        /// 新操作员的姓名
        name: String,
        /// cashier | admissions | supervisor | finance | admin
        #[arg(long)]
        role: String,
        /// 新操作员的 PIN（写在 add 之后的 --pin 即是它）
        #[arg(long = "new-pin")]
        new_pin: String,
        #[arg(long)]
        json: bool,
    },
    /// 列出操作员
    List(JsonFlag),
}

#[derive(Subcommand)]
pub enum OutageCmd {
    /// 启动应急（主管操作）
    Start {
        #[arg(long)]
        reason: String,
        /// HIS 停机的时间（默认现在），如 "2026-11-26 08:30" 或 "08:30"
        #[arg(long)]
        since: Option<String>,
        /// 通知人（默认为操作的主管）
        #[arg(long, default_value = "")]
        announced_by: String,
        #[arg(long)]
        json: bool,
    },
    /// 结束应急（主管操作）；还有未交班的班次时拒绝，除非 --with-open-shifts
    End {
        /// HIS 恢复的时间（默认现在）
        #[arg(long)]
        at: Option<String>,
        /// 主管确认：仍有班次未交班也结束应急（记入流水）
        #[arg(long)]
        with_open_shifts: bool,
        #[arg(long)]
        json: bool,
    },
    /// 当前应急状态
    Status(JsonFlag),
}

#[derive(Subcommand)]
pub enum ShiftCmd {
    /// 开班，登记备用金（元）；同时写手工票据时，登记手上票据本的起止号码
    Open {
        #[arg(long, default_value = "0")]
        float: String,
        /// 手工票据本的起号，例如 0001 或 SG0001
        #[arg(long, requires = "paper_to")]
        paper_from: Option<String>,
        /// 手工票据本的止号，例如 0050 或 SG0050
        #[arg(long, requires = "paper_from")]
        paper_to: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 登记下一本手工票据（本班次内，换新票据本时）
    Paper {
        /// 起号
        #[arg(long)]
        from: String,
        /// 止号
        #[arg(long)]
        to: String,
        #[arg(long)]
        json: bool,
    },
    /// 交班：清点现金（一个总数，或按面额点钞），输出交班单（Z 报表）
    Close {
        /// 清点的现金总数（元）
        #[arg(long, conflicts_with = "count", required_unless_present = "count")]
        counted: Option<String>,
        /// 按面额点钞：面额x张数，逗号分隔，例如 100x3,50x2,0.5x1（面额以元计）
        #[arg(long)]
        count: Option<String>,
        /// 差额原因（清点与应有现金不符时必填）
        #[arg(long, default_value = "")]
        reason: String,
        /// 确认超限差额的主管姓名（不能是交班本人）
        #[arg(long)]
        supervisor: Option<String>,
        #[arg(long)]
        supervisor_pin: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 差额审批限额（元）：不写金额则显示；写金额则修改（管理员）
    Threshold {
        yuan: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 当前操作员的班次
    Status(JsonFlag),
}

#[derive(Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    what: Option<crate::bench_search::BenchCmd>,
    /// 每项测量的次数
    #[arg(long, default_value_t = 200)]
    n: usize,
    /// 合成价目表的项目数
    #[arg(long, default_value_t = 100_000)]
    catalog_items: usize,
    /// 导出基准：模拟的就诊人次（每人一张多行收费收据，约八分之一入院交预交金），可写多个，如 5000,50000；0 跳过
    #[arg(long, value_delimiter = ',', default_value = "5000")]
    export_patients: Vec<usize>,
    #[arg(long)]
    json: bool,
}

pub fn dispatch(cmd: Command, ctx: &mut Ctx) -> Out {
    match cmd {
        Command::Init(_) => unreachable!("init opens no station: see main"),
        Command::Station(StationCmd::Show(f)) => {
            let s = ctx.desk.require_station()?;
            if f.json {
                print_json(&StationView::from(&s));
            } else {
                println!("{} · {} {}", s.hospital, s.code, s.name);
                println!("公钥指纹: {}", s.fingerprint());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Station(StationCmd::Key { out, json }) => {
            let me = ctx.actor()?;
            ctx.desk.export_key_card(&me, &out)?;
            let s = ctx.desk.require_station()?;
            if json {
                print_json(&StationView::from(&s));
            } else {
                println!("已写出工作站 {} {} 的密钥卡：{}", s.code, s.name, out.display());
                println!("公钥指纹: {}（导入时请与本站设置界面上的指纹核对）", s.fingerprint());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Pharmacy(c) => crate::pharmacy::run(c, ctx),
        Command::Operator(c) => operator(c, ctx),
        Command::Outage(c) => outage(c, ctx),
        Command::Shift(c) => shift(c, ctx),
        Command::Verify(f) => verify(f, ctx),
        Command::Bench(a) => bench(a),
        Command::Catalog(c) => crate::catalog::run(c, ctx),
        Command::Patient(c) => crate::patients::patient(c, ctx),
        Command::Patients(c) => crate::patients::patients(c, ctx),
        Command::Register(a) => crate::registrations::register(a, ctx),
        Command::Registration(c) => crate::registrations::registration(c, ctx),
        Command::Regtype(c) => crate::registrations::regtype(c, ctx),
        Command::Dept(c) => crate::registrations::dept(c, ctx),
        Command::Charge(a) => crate::charges::charge(a, ctx),
        Command::Receipt(c) => crate::receipts::receipt(c, ctx),
        Command::Setting(c) => crate::settings::setting(c, ctx),
        Command::Calendar(c) => crate::settings::calendar(c, ctx),
        Command::Admit(a) => crate::admissions::admit(a, ctx),
        Command::Admission(c) => crate::admissions::admission(c, ctx),
        Command::Deposit(a) => crate::admissions::deposit(a, ctx),
        Command::Simulate(a) => crate::admissions::simulate(a, ctx),
        Command::Report(c) => crate::report::run(c, ctx),
        Command::Export(a) => crate::export::run(a, ctx),
        Command::Backup(a) => crate::backup::backup(a, ctx),
        Command::Key(k) => crate::backup::key(k, ctx),
        Command::Restore(_) => unreachable!("restore opens no station: see main"),
        Command::Encrypt(_) => unreachable!("encrypt opens no station here: see main"),
        Command::Reconcile(_) => unreachable!("reconcile opens its own workspace, never a station (main)"),
    }
}

/// `downtime init`: the one command that creates a station.
pub fn init(a: InitArgs, db: &std::path::Path) -> Out {
    let kind = downtime_core::station::StationKind::parse(&a.kind)?;
    let desk = downtime_core::Desk::init_as(
        db,
        &Setup {
            hospital: a.hospital,
            code: a.station,
            station_name: a.station_name,
            admin_name: a.admin,
            admin_pin: a.admin_pin,
        },
        kind,
        downtime_core::time::Clock::system(),
    )?;
    let s = desk.require_station()?;
    if a.json {
        print_json(&StationView::from(&s));
    } else {
        println!("已建立{} {} {}（{}）", s.kind.zh(), s.code, s.name, s.hospital);
        println!("公钥指纹: {}", s.fingerprint());
    }
    Ok(ExitCode::SUCCESS)
}

fn operator(c: OperatorCmd, ctx: &mut Ctx) -> Out {
    match c {
        OperatorCmd::Add { name, role, new_pin, json } => {
            let role = Role::parse(&role)?;
            let me = ctx.actor()?;
            let op = ctx.desk.add_operator(&me, &name, role, &new_pin)?;
            if json {
                print_json(&OperatorView::from(&op));
            } else {
                println!("已添加操作员 {}（{}）", op.name, op.role.zh());
            }
        }
        OperatorCmd::List(f) => {
            let ops = ctx.desk.operators()?;
            if f.json {
                print_json(&ops.iter().map(OperatorView::from).collect::<Vec<_>>());
            } else {
                for o in ops {
                    let lock = o
                        .locked_until
                        .map(|u| format!("  已锁定至 {}", local_display(u)))
                        .unwrap_or_default();
                    println!("{}\t{}{lock}", o.name, o.role.zh());
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_outage(o: &downtime_core::outage::Outage, json: bool) {
    if json {
        print_json(&OutageView::from(o));
    } else if let Some(end) = &o.ended {
        println!(
            "应急已结束：HIS 于 {} 停机，{} 恢复（{}）",
            local_display(o.his_down_at),
            local_display(end.his_up_at),
            o.reason
        );
    } else {
        println!(
            "应急进行中：HIS 自 {} 停机（{}；通知人 {}）",
            local_display(o.his_down_at),
            o.reason,
            o.announced_by
        );
    }
}

fn outage(c: OutageCmd, ctx: &mut Ctx) -> Out {
    match c {
        OutageCmd::Start {
            reason,
            since,
            announced_by,
            json,
        } => {
            let new = NewOutage {
                reason,
                his_down_at: TypedTime::parse_opt(since.as_deref())?,
                announced_by,
                supervisor: None,
            };
            let me = ctx.actor()?;
            let o = ctx.desk.start_outage_by(&me, &new)?;
            print_outage(&o, json);
        }
        OutageCmd::End {
            at,
            with_open_shifts,
            json,
        } => {
            let close = OutageClose {
                his_up_at: TypedTime::parse_opt(at.as_deref())?,
                with_open_shifts,
                supervisor: None,
            };
            let me = ctx.actor()?;
            let o = ctx.desk.end_outage_by(&me, &close)?;
            print_outage(&o, json);
            if !json {
                println!("应急报表：downtime report outage --outage {}", o.id);
            }
        }
        OutageCmd::Status(f) => match ctx.desk.active_outage()? {
            Some(o) => print_outage(&o, f.json),
            None if f.json => println!("null"),
            None => println!("当前没有进行中的应急（系统正常）"),
        },
    }
    Ok(ExitCode::SUCCESS)
}

fn print_shift(desk: &Desk, me: &Actor, s: &downtime_core::shift::Shift, json: bool) -> Result<(), CoreError> {
    let view = ShiftView::with_paper_next(s, desk, me)?;
    if json {
        print_json(&view);
        return Ok(());
    }
    if let Some(c) = &s.closed {
        println!(
            "{} 已交班：{} 开班，备用金 {}，清点现金 {}",
            s.operator,
            local_display(s.opened_at),
            s.float,
            c.counted
        );
    } else {
        println!("{} 已开班：{} 开班，备用金 {}", s.operator, local_display(s.opened_at), s.float);
    }
    for b in &view.paper_books {
        println!("手工票据本 {}–{}（{} 张）", b.first, b.last, b.count);
    }
    if let Some(next) = &view.paper_next {
        println!("下一张手工票据：{next}");
    }
    Ok(())
}

fn shift(c: ShiftCmd, ctx: &mut Ctx) -> Out {
    match c {
        ShiftCmd::Open {
            float,
            paper_from,
            paper_to,
            json,
        } => {
            let float = Fen::parse_yuan(&float)?;
            let book = match (paper_from, paper_to) {
                (Some(from), Some(to)) => Some(PaperBook::parse(&from, &to)?),
                _ => None,
            };
            let me = ctx.actor()?;
            let s = ctx.desk.open_shift_with_paper(&me, float, book.as_ref())?;
            print_shift(&ctx.desk, &me, &s, json)?;
        }
        ShiftCmd::Paper { from, to, json } => {
            let book = PaperBook::parse(&from, &to)?;
            let me = ctx.actor()?;
            ctx.desk.register_paper_book(&me, &book)?;
            let s = ctx.desk.shift_for_money(&me)?;
            print_shift(&ctx.desk, &me, &s, json)?;
        }
        ShiftCmd::Close {
            counted,
            count,
            reason,
            supervisor,
            supervisor_pin,
            json,
        } => {
            let counted = match (counted, count) {
                (Some(total), _) => Counted::Total(Fen::parse_yuan(&total)?),
                (None, Some(notes)) => Counted::parse_notes(&notes)?,
                (None, None) => unreachable!("clap requires one"),
            };
            let supervisor = Some(Approval::typed(supervisor.as_deref(), supervisor_pin.as_deref()));
            let me = ctx.actor()?;
            let z = ctx.desk.close_shift(
                &me,
                &CashCount {
                    counted,
                    reason,
                    supervisor,
                },
            )?;
            if json {
                print_json(&z);
            } else {
                print!("{}", downtime_core::report::text::shift(&z));
            }
        }
        ShiftCmd::Threshold { yuan, json } => {
            if let Some(yuan) = yuan {
                let threshold = Fen::parse_yuan(&yuan)?;
                let me = ctx.actor()?;
                ctx.desk.set_cash_difference_threshold(&me, threshold)?;
            }
            let threshold = ctx.desk.cash_difference_threshold()?;
            if json {
                print_json(&serde_json::json!({ "threshold_fen": threshold.get() }));
            } else {
                println!("交班差额超过 {threshold} 需要主管确认");
            }
        }
        ShiftCmd::Status(f) => {
            let me = ctx.actor()?;
            match ctx.desk.open_shift_of(&me)? {
                Some(s) => print_shift(&ctx.desk, &me, &s, f.json)?,
                None if f.json => println!("null"),
                None => println!("{} 未开班", me.name()),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn verify(f: VerifyArgs, ctx: &mut Ctx) -> Out {
    let anchors = f
        .anchors
        .iter()
        .map(|a| downtime_core::anchor::Anchor::parse(a))
        .collect::<Result<Vec<_>, _>>()?;
    let report = ctx.desk.verify_with(&anchors)?;
    if f.json {
        print_json(&VerifyView::from(&report));
    }
    match &report.problem {
        None => {
            if !f.json {
                println!(
                    "流水完整：共 {} 条，数据库完整性正常，{} 张收据金额无误，末条锚点 {}:{}",
                    report.entries,
                    report.receipts_checked,
                    report.head_seq,
                    &report.head_hash[..16]
                );
                if !anchors.is_empty() {
                    println!("纸面锚点 {} 个，全部与流水相符", anchors.len());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(p) => {
            eprintln!("{}", if crate::lang() == downtime_core::Lang::En { &p.en } else { &p.zh });
            Ok(ExitCode::from(3))
        }
    }
}

pub fn bench(a: BenchArgs) -> Out {
    if let Some(what) = a.what {
        return crate::bench_search::run(what);
    }
    let export: Vec<usize> = a.export_patients.into_iter().filter(|n| *n > 0).collect();
    let report = downtime_core::bench::run(a.n.max(10), a.catalog_items.max(100), &export)?;
    if a.json {
        print_json(&report);
        return Ok(ExitCode::SUCCESS);
    }
    println!("基准测试（临时文件夹 {}）", report.folder);
    for f in &report.figures {
        let mut cmp = match (&f.baseline, f.ratio) {
            (Some(b), Some(r)) => format!("  = {r:.2}× {b}"),
            _ => String::new(),
        };
        if let Some(t) = &f.target {
            cmp.push_str(&format!("（目标 {t}）"));
        }
        println!(
            "{:<48} n={:<5} 中位数 {:>9.1} {}  p99 {:>9.1} {}{cmp}",
            f.name, f.n, f.median, f.unit, f.p99, f.unit
        );
    }
    Ok(ExitCode::SUCCESS)
}
