import { screen, within } from "@testing-library/react";
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
  return status({ station: { ...station, code: "YF01", name: "门诊西药房", kind: "pharmacy" }, operator: operator("李药师", "pharmacist") });
}

describe("药房 (#18)", () => {
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
});
