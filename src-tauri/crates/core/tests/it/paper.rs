//! 手工票据本 and 未打印: a paper invoice book registered in the shift bounds the numbers a
//! receipt may carry, every number of it is accounted for at handover, and a printing that
//! never reached the printer leaves its receipt listed as not printed.

use crate::charges::{cash, charge, counter, item, Counter};
use downtime_core::paper::PaperBook;
use downtime_core::{Fen, Role};

fn pay_with(c: &mut Counter, paper: &str) -> Result<String, String> {
    let mut input = charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")]);
    input.paper_no = Some(paper.to_string());
    c.pay(&input)
        .map(|r| r.paper_no.unwrap_or_default())
        .map_err(|e| e.code().to_string())
}

fn book(from: &str, to: &str) -> PaperBook {
    PaperBook::parse(from, to).unwrap()
}

#[test]
fn a_number_must_be_in_the_book_and_unused() {
    let mut c = counter();
    let cashier = c.cashier.clone();
    // No book: taken as typed.
    assert_eq!(pay_with(&mut c, "A-7"), Ok("A-7".to_string()));
    c.f.desk.register_paper_book(&cashier, &book("0001", "0050")).unwrap();
    assert_eq!(c.f.desk.next_paper_no(&cashier).unwrap().as_deref(), Some("0001"));
    let before = c.f.entries();
    // (typed, stored or refused)
    for (typed, expected) in [
        ("1", Ok("0001")),
        ("001", Err("paper_no_used")),
        ("0051", Err("paper_no_outside_book")),
        ("A-8", Err("paper_no_outside_book")),
        ("00003", Ok("0003")),
        ("\u{7}3", Err("text_control_chars")),
    ] {
        assert_eq!(
            pay_with(&mut c, typed),
            expected.map(str::to_string).map_err(str::to_string),
            "{typed}"
        );
    }
    assert_eq!(c.f.entries(), before + 2 * 1, "two receipts, nothing of the refusals");
    assert_eq!(c.f.desk.next_paper_no(&cashier).unwrap().as_deref(), Some("0004"));
    // A second book, used once the first runs out; the next number is the first book's.
    c.f.desk.register_paper_book(&cashier, &book("0051", "0052")).unwrap();
    assert_eq!(pay_with(&mut c, "0052"), Ok("0052".to_string()));
    assert_eq!(c.f.desk.next_paper_no(&cashier).unwrap().as_deref(), Some("0004"));
}

#[test]
fn a_book_may_not_hold_used_numbers_nor_overlap_an_open_one() {
    let mut c = counter();
    let cashier = c.cashier.clone();
    let other = c.f.operator("赵收费", Role::Cashier);
    assert_eq!(pay_with(&mut c, "0100"), Ok("0100".to_string()));
    let before = c.f.entries();
    let refused = |c: &mut Counter, who: &downtime_core::Actor, from: &str, to: &str| {
        c.f.desk.register_paper_book(who, &book(from, to)).unwrap_err().code()
    };
    assert_eq!(refused(&mut c, &cashier, "0090", "0110"), "paper_book_used");
    c.f.desk.register_paper_book(&cashier, &book("0101", "0150")).unwrap();
    assert_eq!(refused(&mut c, &cashier, "0150", "0160"), "paper_book_overlap");
    // Without a shift there is nothing to register into; opening with an overlapping book
    // opens nothing.
    assert_eq!(refused(&mut c, &other, "0200", "0210"), "shift_required");
    let opened = c.f.desk.open_shift_with_paper(&other, Fen::ZERO, Some(&book("0140", "0199")));
    assert_eq!(opened.unwrap_err().code(), "paper_book_overlap");
    assert!(c.f.desk.open_shift_of(&other).unwrap().is_none());
    assert_eq!(c.f.entries(), before + 1, "only the one book was written");
    let shift =
        c.f.desk
            .open_shift_with_paper(&other, Fen::ZERO, Some(&book("0151", "0199")))
            .unwrap();
    assert_eq!(shift.paper_books.len(), 1);
    assert_eq!(c.f.desk.next_paper_no(&other).unwrap().as_deref(), Some("0151"));
    c.f.desk.verify().unwrap().problem.map(|p| panic!("{p:?}"));
}

#[test]
fn the_handover_accounts_for_every_number_of_the_book() {
    let mut c = counter();
    let cashier = c.cashier.clone();
    c.f.desk.register_paper_book(&cashier, &book("SG001", "SG020")).unwrap();
    for n in ["SG001", "SG002", "SG005", "SG009"] {
        pay_with(&mut c, n).unwrap();
    }
    let report = c.f.desk.current_shift_report(&cashier).unwrap();
    let p = &report.lists.paper_numbers;
    let b = &p.books[0];
    assert_eq!((b.count, b.used, b.voided, b.skipped), (20, 4, 0, 5));
    let unused = b.unused.as_ref().unwrap();
    assert_eq!((unused.first.as_str(), unused.last.as_str(), unused.count), ("SG010", "SG020", 11));
    let skipped: Vec<(&str, &str, i64)> = p.skipped.iter().map(|r| (r.first.as_str(), r.last.as_str(), r.count)).collect();
    assert_eq!(skipped, [("SG003", "SG004", 2), ("SG006", "SG008", 3)]);
    assert!(p.repeated.is_empty());
}

#[test]
fn a_printing_that_never_reached_the_printer_leaves_the_receipt_not_printed() {
    let mut c = counter();
    let (cashier, admin) = (c.cashier.clone(), c.f.admin.clone());
    let r = c.pay(&charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")])).unwrap();
    // No printer set: the saved PDF is what is handed out; nothing is listed.
    let saved = c.f.desk.print_receipt(&cashier, &r.receipt_no, "a5", false).unwrap();
    assert!(!saved.sent_to_printer && !saved.copy);
    assert!(c.f.desk.unprinted(&cashier).unwrap().is_empty());
    // A queue that does not exist: a copy (the PDF was the first printing), listed.
    c.f.desk.set_printer(&admin, "downtime-no-such-queue").unwrap();
    let failed = c.f.desk.print_receipt(&cashier, &r.receipt_no, "a5", false).unwrap();
    assert!(!failed.sent_to_printer && failed.copy);
    assert!(failed.problem.unwrap().0.contains("列为未打印"));
    assert!(failed.pdf_path.ends_with(format!("{}-副本1.pdf", r.receipt_no)));
    // A receipt never printed: stays the original however often its printing fails.
    let r2 = c.pay(&charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")])).unwrap();
    for _ in 0..2 {
        let p = c.f.desk.print_receipt(&cashier, &r2.receipt_no, "a5", false).unwrap();
        assert!(!p.copy && p.pdf_path.ends_with(format!("{}.pdf", r2.receipt_no)));
    }
    let list = c.f.desk.unprinted(&cashier).unwrap();
    let listed: Vec<(&str, bool, i64)> = list.iter().map(|u| (u.receipt.receipt_no.as_str(), u.copy, u.attempts)).collect();
    assert_eq!(listed, [(r.receipt_no.as_str(), true, 1), (r2.receipt_no.as_str(), false, 2)]);
    assert_eq!(list[0].printer, "downtime-no-such-queue");
    // Printing through a queue that takes it clears the list: the CLI test
    // `receipts_print_through_a_real_cups_queue_on_their_own_paper` does it through CUPS.
    c.f.desk.verify().unwrap().problem.map(|p| panic!("{p:?}"));
}

#[test]
fn books_and_print_outcomes_travel_in_the_batch_and_need_no_fhir_mapping() {
    use downtime_core::batch::verify_batch;
    use downtime_core::export::ExportOutcome;
    let mut c = counter();
    let (cashier, admin) = (c.cashier.clone(), c.f.admin.clone());
    c.f.desk.register_paper_book(&cashier, &book("0001", "0050")).unwrap();
    pay_with(&mut c, "0001").unwrap();
    c.f.desk.set_printer(&admin, "downtime-no-such-queue").unwrap();
    c.f.desk.print_receipt(&cashier, "MZ01-000001", "a5", false).unwrap();
    let out = c.f.dir.path().join("usb");
    std::fs::create_dir(&out).unwrap();
    let ExportOutcome::Written(w) = c.f.desk.export_batch(&admin, &out, &mut |_| {}).unwrap() else {
        panic!("expected a batch")
    };
    let check = verify_batch(&w.path, None);
    assert_eq!(check.problem, None);
    let m = check.manifest.unwrap();
    assert_eq!(m.exceptions, vec![], "a paper book and a print outcome are not FHIR resources");
    let records = std::fs::read_to_string(w.path.join("records.jsonl")).unwrap();
    assert!(records.contains("paper_book_registered") && records.contains("print_failed"));
}
