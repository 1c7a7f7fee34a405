import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import type { ScanView } from "../../bindings/ScanView";
import { callsOf, fakeBackend, ipcError, operator, renderApp, station, status, willPick } from "../../test/fixtures";

const PAYLOAD = "DDR4.charge.MZ01.MZ01-000001.2538.1764122400.8.0123456789abcdef.DT-MZ01-000001.1*Y1*2~2*Y2*30.sig";

function scanned(over: Partial<ScanView> = {}): ScanView {
  return {
    kind: "charge",
    station: "MZ01",
    station_name: "门诊收费一号窗",
    receipt_no: "MZ01-000001",
    patient: "DT-MZ01-000001",
    time: "2026-11-26T02:00:00.000000Z",
    total_fen: 2538,
    lines: [
      { n: 1, code: "Y1", short_name: "AMXLJN", quantity: "2", dispensed: "0", returned: "0" },
      { n: 2, code: "Y2", short_name: null, quantity: "30", dispensed: "0", returned: "0" },
    ],
    dispensed_before: false,
    already: [],
    ...over,
  };
}

function pharmacyStatus() {
  return status({ station: { ...station, code: "YF01", name: "门诊西药房", kind: "pharmacy", roles: ["supervisor", "finance", "admin", "pharmacist", "pharmacist_in_charge"] }, operator: operator("李药师", "pharmacist") });
}

describe("药房 (#18)", () => {
  test("Ctrl+O: the administrator adds a pharmacist; the roles offered are the core's for a pharmacy", async () => {
    const admin = operator("王管理", "admin");
    const calls = fakeBackend({
      app_status: () => ({ ...pharmacyStatus(), operator: admin }),
      list_operators: () => [admin],
      add_operator: (a) => operator((a as { input: { name: string } }).input.name, "pharmacist"),
      idle_lock: () => 10,
    });
    const { user } = renderApp();
    await screen.findByTestId("pharmacy-scan");
    await user.keyboard("{Control>}o{/Control}");
    await screen.findByTestId("op-list");
    const offered = within(screen.getByTestId("op-role")).getAllByRole("option").map((o) => (o as HTMLOptionElement).value);
    expect(offered).toEqual(["supervisor", "finance", "admin", "pharmacist", "pharmacist_in_charge"]);
    expect(screen.getByTestId("op-name")).toHaveFocus();
    await user.keyboard("李药师{Enter}");
    await user.selectOptions(screen.getByTestId("op-role"), "pharmacist");
    await user.type(screen.getByTestId("op-pin"), "246810{Enter}");
    expect(await screen.findByTestId("op-notice")).toHaveTextContent("已添加操作员 李药师");
    expect(callsOf(calls, "add_operator")[0].args).toEqual({ input: { name: "李药师", role: "pharmacist", pin: "246810" } });
  });

  test("a scan with Enter shows the signed lines; F5 dispenses them whole; a refusal shows in red", async () => {
    let second = false;
    const calls = fakeBackend({
      app_status: () => pharmacyStatus(),
      pharmacy_scan: () => scanned(),
      pharmacy_dispense: () => {
        if (second) throw ipcError("pharmacy_already_dispensed", "收据 MZ01-000001 已于 2026-11-26 10:05 由 李药师 发过药");
        second = true;
        return scanned({ dispensed_before: true });
      },
    });
    const { user } = renderApp();
    expect(await screen.findByTestId("pharmacy-scan")).toHaveFocus();
    await user.keyboard(`${PAYLOAD}{Enter}`);
    const lines = await screen.findByTestId("pharmacy-lines");
    expect(within(lines).getByText("AMXLJN")).toBeInTheDocument();
    expect(screen.getByTestId("pharmacy-qty-1")).toHaveValue("2");
    expect(screen.getByTestId("pharmacy-qty-2")).toHaveValue("30");
    await user.keyboard("{F5}");
    expect(await screen.findByTestId("pharmacy-done")).toHaveTextContent("已发药：收据 MZ01-000001");
    expect(callsOf(calls, "pharmacy_dispense")[0].args).toEqual({
      input: { payload: PAYLOAD, lines: [{ n: 1, quantity: "2" }, { n: 2, quantity: "30" }] },
    });
    // Dispensed before: the pharmacist-in-charge's fields appear; the core's refusal is shown.
    expect(await screen.findByTestId("pharmacy-again")).toBeInTheDocument();
    await user.keyboard("{F5}");
    expect(await screen.findByTestId("pharmacy-error")).toHaveTextContent("发过药");
  });

  test("a counter task is not offered: the pharmacy screen replaces the counter's shell", async () => {
    fakeBackend({ app_status: () => pharmacyStatus() });
    renderApp();
    expect(await screen.findByTestId("pharmacy-screen")).toBeInTheDocument();
    expect(screen.queryByText("收费")).not.toBeInTheDocument();
  });

  test("Ctrl+T trusts a counter's key card chosen in the system's dialog and shows its fingerprint", async () => {
    const calls = fakeBackend({
      app_status: () => pharmacyStatus(),
      pharmacy_trust_picked: () => ({
        station_code: "MZ01",
        station_name: "门诊收费一号窗",
        hospital: "市第一人民医院",
        fingerprint: "9f3a 07c1 d2e4 b5a6",
        source: "key_card",
        trusted_by: "王管理",
        trusted_at: "2026-11-26T02:00:00.000000Z",
        new: true,
        voids_noted: 0,
      }),
    });
    const { user } = renderApp();
    await screen.findByTestId("pharmacy-scan");
    await user.keyboard("{Control>}t{/Control}");
    willPick("MZ01.key.json", "{}");
    await user.click(await screen.findByTestId("pharmacy-trust-pick"));
    expect(await screen.findByTestId("pharmacy-trusted")).toHaveTextContent("已信任工作站 MZ01 门诊收费一号窗");
    expect(screen.getByTestId("pharmacy-trusted")).toHaveTextContent("9f3a 07c1 d2e4 b5a6");
    expect(callsOf(calls, "pharmacy_trust_picked")).toHaveLength(1);
  });

  test("Ctrl+T takes an export batch folder typed in; Enter trusts it and says how many voids it noted", async () => {
    const calls = fakeBackend({
      app_status: () => pharmacyStatus(),
      pharmacy_trust_folder: () => ({
        station_code: "MZ01",
        station_name: "门诊收费一号窗",
        hospital: "市第一人民医院",
        fingerprint: "9f3a 07c1",
        source: "batch:MZ01-batch-000001",
        trusted_by: "王管理",
        trusted_at: "2026-11-26T02:00:00.000000Z",
        new: true,
        voids_noted: 2,
      }),
    });
    const { user } = renderApp();
    await screen.findByTestId("pharmacy-scan");
    await user.keyboard("{Control>}t{/Control}");
    await user.click(await screen.findByTestId("pharmacy-trust-folder"));
    await user.keyboard("/media/usb/MZ01-batch-000001{Enter}");
    expect(await screen.findByTestId("pharmacy-trusted")).toHaveTextContent("并记下 2 张已作废收据");
    expect(callsOf(calls, "pharmacy_trust_folder")[0].args).toEqual({ folder: "/media/usb/MZ01-batch-000001" });
  });

  test("a return prints its slip through the core; Ctrl+P prints it again, a copy", async () => {
    let printed = 0;
    const calls = fakeBackend({
      app_status: () => pharmacyStatus(),
      pharmacy_scan: () => scanned({ lines: scanned().lines.map((l) => ({ ...l, dispensed: l.quantity })), dispensed_before: true }),
      pharmacy_return: () => ({
        kind: "return",
        at: "2026-11-26T02:10:00.000000Z",
        by: "李药师",
        approver: null,
        reason: null,
        slip_no: "YF01-T000001",
        slip_payload: "DDRT.YF01.YF01-T000001.MZ01.MZ01-000001.1764122400.x.1*Y1*1.sig",
        lines: [{ n: 1, quantity: "1" }],
      }),
      print_return_slip: () => {
        printed += 1;
        return { receipt_no: "", pdf_path: `/d/receipts/退药单-YF01-T000001${printed > 1 ? "-副本1" : ""}.pdf`, sent_to_printer: false, problem: "未设置打印机", problem_en: "No printer", copy: printed > 1 };
      },
    });
    const { user } = renderApp();
    await screen.findByTestId("pharmacy-scan");
    await user.keyboard(`${PAYLOAD}{Enter}`);
    await screen.findByTestId("pharmacy-lines");
    await user.keyboard("{F8}");
    await user.clear(screen.getByTestId("pharmacy-qty-1"));
    await user.type(screen.getByTestId("pharmacy-qty-1"), "1");
    await user.keyboard("{F8}");
    expect(await screen.findByTestId("pharmacy-slip-pdf")).toHaveTextContent("退药单-YF01-T000001.pdf");
    expect(callsOf(calls, "print_return_slip")[0].args).toEqual({ slip_no: "YF01-T000001", layout: "a5" });
    await user.keyboard("{Control>}p{/Control}");
    expect(await screen.findByText("退药单-YF01-T000001-副本1.pdf", { exact: false })).toBeInTheDocument();
    expect(callsOf(calls, "print_return_slip")).toHaveLength(2);
  });

  test("Ctrl+K shows this pharmacy's key card with its fingerprint and writes it to the path typed", async () => {
    const calls = fakeBackend({
      app_status: () => pharmacyStatus(),
      key_card_offer: () => ({ station_code: "YF01", station_name: "门诊西药房", fingerprint: "ab12 cd34", path: "/d/exports/YF01.key.json" }),
      export_key_card: (args) => ({ station_code: "YF01", station_name: "门诊西药房", fingerprint: "ab12 cd34", path: String(args?.path) }),
    });
    const { user } = renderApp();
    await screen.findByTestId("pharmacy-scan");
    await user.keyboard("{Control>}k{/Control}");
    expect(await screen.findByTestId("keycard-fingerprint")).toHaveTextContent("ab12 cd34");
    expect(screen.getByTestId("keycard-station")).toHaveTextContent("工作站 YF01 门诊西药房");
    await waitFor(() => expect(screen.getByTestId("keycard-path")).toHaveFocus());
    expect(screen.getByTestId("keycard-path")).toHaveValue("/d/exports/YF01.key.json");
    await user.keyboard("/media/usb/YF01.key.json{Enter}");
    expect(await screen.findByTestId("keycard-done")).toHaveTextContent("已写出密钥卡：/media/usb/YF01.key.json");
    expect(callsOf(calls, "export_key_card")[0].args).toEqual({ path: "/media/usb/YF01.key.json" });
  });
});
