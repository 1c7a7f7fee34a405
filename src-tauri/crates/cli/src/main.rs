//! `downtime`: the headless command line over `downtime-core`. Every command opens the same
//! store through the same functions as the app. Conventions: `--db PATH` (or `DOWNTIME_DB`);
//! the acting operator from `--as NAME --pin PIN` (or `DOWNTIME_OPERATOR`/`DOWNTIME_PIN`);
//! amounts typed as yuan; `--json` prints money as integer fen in `_fen` fields; an error is
//! one sentence on stderr, a non-zero exit, and no change.

mod admissions;
mod backup;
mod bench_search;
mod catalog;
mod charges;
mod export;
mod foundation;
mod patients;
mod pharmacy;
mod pin_prompt;
mod progress;
mod receipts;
mod reconcile;
mod registrations;
mod report;
mod settings;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use downtime_core::{Actor, CoreError, Desk, Lang};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "downtime", version, about = "Downtime Desk 命令行：HIS 停机时的挂号收费应急台")]
pub struct Cli {
    /// 数据库文件 (station database file)
    #[arg(long, global = true, env = "DOWNTIME_DB")]
    db: Option<PathBuf>,
    /// 操作员姓名 (acting operator)
    #[arg(long = "as", global = true, env = "DOWNTIME_OPERATOR")]
    operator: Option<String>,
    /// 操作员 PIN
    #[arg(long, global = true, env = "DOWNTIME_PIN", hide_env_values = true)]
    pin: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 建立工作站（首次设置）
    Init(foundation::InitArgs),
    /// 工作站信息
    #[command(subcommand)]
    Station(foundation::StationCmd),
    /// 操作员管理
    #[command(subcommand)]
    Operator(foundation::OperatorCmd),
    /// 应急（HIS 停机）的启动、结束与状态
    #[command(subcommand)]
    Outage(foundation::OutageCmd),
    /// 开班与交班
    #[command(subcommand)]
    Shift(foundation::ShiftCmd),
    /// 校验数据库、整条流水链、每张收据的金额，以及纸面上的锚点
    Verify(foundation::VerifyArgs),
    /// 工作站设置（管理员）：打印机
    #[command(subcommand)]
    Setting(settings::SettingCmd),
    /// 价目表：导入、查找、版本
    #[command(subcommand)]
    Catalog(catalog::CatalogCmd),
    /// 患者：新建、查找
    #[command(subcommand)]
    Patient(patients::PatientCmd),
    /// HIS 患者索引快照
    #[command(subcommand)]
    Patients(patients::PatientsCmd),
    /// 挂号，输出候诊号
    Register(registrations::RegisterArgs),
    /// 挂号记录：退号、列表
    #[command(subcommand)]
    Registration(registrations::RegistrationCmd),
    /// 号别：列出、新增或修改（费用项目按价目表编码）
    #[command(subcommand)]
    Regtype(registrations::RegtypeCmd),
    /// 科室表
    #[command(subcommand)]
    Dept(registrations::DeptCmd),
    /// 收费结算，输出收据号
    Charge(charges::ChargeArgs),
    /// 收据：查看、列表、作废、退费、重印、PDF、二维码核验
    #[command(subcommand)]
    Receipt(receipts::ReceiptCmd),
    /// 工作日历（节假日安排）
    #[command(subcommand)]
    Calendar(settings::CalendarCmd),
    /// 入院登记，输出住院号
    Admit(admissions::AdmitArgs),
    /// 入院记录：取消、转床、列表、预交金汇总
    #[command(subcommand)]
    Admission(admissions::AdmissionCmd),
    /// 交预交金（补交），或 refund 退预交金、balance 查询余额
    Deposit(admissions::DepositArgs),
    /// 交班单（X/Z 报表）、日结与应急期间报表：文本、JSON 或 PDF
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// 模拟一次停机：挂号、收费、作废、退费、入院、预交金（与界面走同一套核心接口）
    Simulate(admissions::SimulateArgs),
    /// 在临时文件夹中运行性能基准
    Bench(foundation::BenchArgs),
    /// 导出批次（交财务与 HIS 补录）、重新生成第 N 批、离线校验批次文件夹
    Export(export::ExportArgs),
    /// 备份工作站到另一个文件夹（U 盘、另一块硬盘），写完即校验；--auto 设为自动备份
    Backup(backup::BackupArgs),
    /// 从备份恢复工作站（管理员；不接受别的工作站的备份，较旧的备份需确认）
    Restore(backup::RestoreArgs),
    /// 加密现有的未加密工作站（管理员；密钥取自环境变量 DOWNTIME_DB_KEY，原文件保留）
    Encrypt(backup::EncryptArgs),
    /// 系统钥匙串：remember 在本机记住加密工作站的密钥（启动时不再询问），forget 删除（管理员）
    #[command(subcommand)]
    Key(backup::KeyCmd),
    /// 财务对账：载入各工作站的批次，与 HIS 入账逐笔比对，列出异常与待办（对账工作区用 --db 指定，无需工作站和登录）
    Reconcile(reconcile::ReconcileArgs),
    #[command(subcommand)]
    Pharmacy(pharmacy::PharmacyCmd),
}

/// What a command needs: the open desk and, when asked, the authenticated operator.
pub struct Ctx {
    pub desk: Desk,
    operator: Option<String>,
    pin: Option<String>,
}

impl Ctx {
    /// The acting operator, their PIN checked. Without `--pin` (or `DOWNTIME_PIN`) the PIN is
    /// asked for on the terminal, without echo, so that it never shows in `ps` or the shell's
    /// history; a script without a terminal must give it.
    pub fn actor(&mut self) -> Result<Actor, CoreError> {
        let Some(name) = self.operator.clone() else {
            return Err(operator_required());
        };
        if self.pin.is_none() {
            self.pin = Some(pin_prompt::ask(&format!("{name} 的 PIN：")).ok_or_else(operator_required)?);
        }
        let pin = self.pin.clone().unwrap_or_default();
        self.desk.authenticate(&name, &pin)
    }
}

pub(crate) fn operator_required() -> CoreError {
    CoreError::invalid(
        downtime_core::error::ErrorCode::OperatorRequired,
        "需要操作员：请用 --as 姓名（在终端上会询问 PIN），或 --as 姓名 --pin PIN，或设置环境变量 DOWNTIME_OPERATOR 和 DOWNTIME_PIN",
        "An operator is needed: pass --as NAME (the PIN is asked for on a terminal), or --as NAME --pin PIN, or set DOWNTIME_OPERATOR and DOWNTIME_PIN",
    )
}

pub fn lang() -> Lang {
    std::env::var("DOWNTIME_LANG")
        .or_else(|_| std::env::var("LANG"))
        .map(|l| Lang::from_locale(&l))
        .unwrap_or_default()
}

/// `--insured` / `--self-pay REASON` / neither (as the patient's record says).
pub fn payer(insured: bool, self_pay: Option<String>) -> downtime_core::charge::Payer {
    use downtime_core::charge::Payer;
    match (insured, self_pay) {
        (_, Some(reason)) => Payer::SelfPay(reason),
        (true, None) => Payer::Insured,
        (false, None) => Payer::AsRecorded,
    }
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(value).expect("serialisable"));
}

/// In `downtime operator add NAME --role R --pin PIN` the `--pin` after `add` is the new
/// operator's PIN (as the product documents it), while a global `--pin` names the acting
/// operator's. Clap cannot hold both names, so the one after `add` is renamed here.
fn args() -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let pos = args.windows(2).position(|w| w[0] == "operator" && w[1] == "add");
    if let Some(p) = pos {
        for a in args.iter_mut().skip(p + 2) {
            if a == "--pin" {
                *a = "--new-pin".into();
                break;
            }
            if let Some(v) = a.to_str().and_then(|s| s.strip_prefix("--pin=")) {
                *a = format!("--new-pin={v}").into();
                break;
            }
        }
    }
    args
}

/// Commands that change nothing in the station: they open it read-only (and so work on
/// read-only media). A wrong PIN typed for one of them is still counted.
fn reads_only(c: &Command) -> bool {
    use admissions::{AdmissionCmd as A, DepositSub as D};
    use catalog::CatalogCmd as K;
    use foundation::{OperatorCmd as Op, OutageCmd as O, ShiftCmd as S, StationCmd as St};
    use patients::PatientCmd as P;
    use receipts::ReceiptCmd as R;
    use registrations::{DeptCmd as Dp, RegistrationCmd as Rg, RegtypeCmd as T};
    use settings::CalendarCmd as Cal;
    match c {
        Command::Verify(_) | Command::Report(_) => true,
        Command::Station(St::Show(_) | St::Key { .. }) | Command::Operator(Op::List(_)) | Command::Outage(O::Status(_)) => true,
        Command::Shift(S::Status(_)) => true,
        Command::Shift(S::Threshold { yuan, .. }) => yuan.is_none(),
        Command::Catalog(K::Search { .. } | K::Versions { .. }) => true,
        Command::Patient(P::Find { .. }) => true,
        // `registration slip` and `admission summary` record their printing, as receipts do.
        Command::Registration(Rg::List { .. }) => true,
        Command::Regtype(T::List { .. }) | Command::Dept(Dp::List { .. }) => true,
        // `receipt pdf` journals the printing (the first is the original, later ones copies).
        Command::Receipt(R::Show { .. } | R::List { .. } | R::Check { .. } | R::Unprinted { .. }) => true,
        Command::Calendar(Cal::Due { .. }) => true,
        Command::Admission(A::List { .. }) => true,
        Command::Deposit(a) => matches!(a.sub, Some(D::Balance { .. })),
        Command::Export(a) => export::is_list(a),
        Command::Backup(a) => backup::reads_only(a),
        Command::Pharmacy(pharmacy::PharmacyCmd::Scan { .. } | pharmacy::PharmacyCmd::Trusted { .. }) => true,
        _ => false,
    }
}

fn main() -> ExitCode {
    // `downtime … | head` must end quietly, as other command-line tools do.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let matches = Cli::command().get_matches_from(args());
    // The finance workspace is its own file: `--db` names it, but DOWNTIME_DB (a station's) does not.
    let db_given = matches.value_source("db") == Some(clap::parser::ValueSource::CommandLine);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let db = cli.db.clone().unwrap_or_else(downtime_core::store::default_path);
    let result = if let Command::Reconcile(args) = cli.command {
        let workspace = cli.db.filter(|_| db_given).unwrap_or_else(downtime_recon::store::default_path);
        reconcile::run(args, workspace, cli.operator)
    } else if let Command::Bench(args) = cli.command {
        foundation::bench(args)
    } else if matches!(&cli.command, Command::Export(a) if export::is_verify(a)) {
        let Command::Export(args) = cli.command else { unreachable!() };
        export::verify(args)
    } else if let Command::Catalog(catalog::CatalogCmd::Generate { items, seed, out }) = cli.command {
        catalog::generate(items, seed, &out)
    } else if let Command::Restore(a) = cli.command {
        backup::restore(a, &db, cli.operator, cli.pin)
    } else if let Command::Encrypt(a) = cli.command {
        backup::encrypt(a, &db, cli.operator, cli.pin)
    } else if let Command::Init(a) = cli.command {
        // Only `init` creates a station; every other command refuses a path without one.
        foundation::init(a, &db)
    } else {
        let open = if reads_only(&cli.command) {
            Desk::open_read_only
        } else {
            Desk::open
        };
        open(&db).and_then(|desk| {
            let mut ctx = Ctx {
                desk,
                operator: cli.operator,
                pin: cli.pin,
            };
            let done = foundation::dispatch(cli.command, &mut ctx);
            // What was saved stays saved; a failed automatic backup is told, once.
            if let Some(e) = ctx.desk.take_backup_problem() {
                eprintln!("{}", e.message(lang()));
            }
            done
        })
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", e.message(lang()));
            ExitCode::from(1)
        }
    }
}
