import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import type { CodeCheckView } from "../../bindings/CodeCheckView";
import { callsOf, deferred, fakeBackend, ipcError, renderApp, status } from "../../test/fixtures";

type Handlers = Parameters<typeof fakeBackend>[0];

const PAYLOAD = "DD1.MZ01.MZ01-000123.1000.1764122400.5f3a";

function checked(over: Partial<CodeCheckView> = {}): CodeCheckView {
  return {
    kind: "charge",
    valid: true,
    anchor: "12:0123456789abcdef",
    state: "valid",
    station: "MZ01",
    receipt_no: "MZ01-000123",
    total_fen: 123450,
    issued_at: "2026-11-26T02:00:00.000000Z",
    on_record: true,
    voided: false,
    refunded_fen: 0,
    ...over,
  };
}

async function openCheck(handlers: Handlers) {
  const calls = fakeBackend({ app_status: () => status(), ...handlers });
  const view = renderApp();
  await screen.findByTestId("status-bar");
  await view.user.keyboard("{Control>}k{/Control}");
  expect(await screen.findByTestId("qr-input")).toHaveFocus();
  return { calls, ...view };
}

describe("收据核验 (Ctrl+K)", () => {
  test("a scanned code with Enter: 签名有效 with station, number, amount and local time; the input is cleared for the next scan", async () => {
    const { calls, user } = await openCheck({ check_receipt_code: () => checked() });
    await user.keyboard(`${PAYLOAD}{Enter}`);
    const result = await screen.findByTestId("qr-result");
    expect(result).toHaveTextContent("签名有效");
    expect(within(result).getByTestId("qr-station")).toHaveTextContent("MZ01");
    expect(within(result).getByTestId("qr-receipt-no")).toHaveTextContent("MZ01-000123");
    expect(within(result).getByTestId("qr-amount")).toHaveTextContent("¥1,234.50");
    expect(within(result).getByTestId("qr-issued")).toHaveTextContent("2026-11-26 10:00");
    expect(result).toHaveTextContent("与本站记录一致");
    expect(screen.queryByTestId("qr-voided")).not.toBeInTheDocument();
    expect(callsOf(calls, "check_receipt_code").map((c) => c.args)).toEqual([{ payload: PAYLOAD }]);
    expect(screen.getByTestId("qr-input")).toHaveValue("");
    expect(screen.getByTestId("qr-input")).toHaveFocus();
  });

  test("warns when the receipt is void, refunded, or not on this station's records", async () => {
    let reply = checked({ voided: true, refunded_fen: 50000 });
    const { user } = await openCheck({ check_receipt_code: () => reply });
    await user.keyboard(`${PAYLOAD}{Enter}`);
    expect(await screen.findByTestId("qr-voided")).toHaveTextContent("这张收据已作废");
    expect(screen.getByTestId("qr-refunded")).toHaveTextContent("已退费 ¥500.00");
    expect(screen.getByTestId("qr-result")).not.toHaveTextContent("与本站记录一致");

    reply = checked({ station: "MZ02", receipt_no: "MZ02-000007", on_record: false });
    await user.keyboard(`${PAYLOAD}{Enter}`);
    expect(await screen.findByTestId("qr-not-on-record")).toHaveTextContent("本站记录中没有这张收据：请到开具的工作站 MZ02 核对");
    expect(screen.getByTestId("qr-result")).toHaveTextContent("第 2 次扫描");
    expect(screen.queryByTestId("qr-voided")).not.toBeInTheDocument();
  });

  test("the kind comes first: a refund voucher says nothing may be dispensed against it; a wholly refunded receipt says so", async () => {
    let reply = checked({ kind: "refund", total_fen: 27639 });
    const { user } = await openCheck({ check_receipt_code: () => reply });
    await user.keyboard(`${PAYLOAD}{Enter}`);
    const kind = await screen.findByTestId("qr-kind");
    expect(kind).toHaveTextContent("退费凭证钱已退回患者：不能据此发药、检查或换取发票");
    expect(screen.getByTestId("qr-result")).toHaveClass("warned");
    expect(screen.getByTestId("qr-result").firstElementChild).toBe(kind);

    reply = checked({ kind: "charge", state: "refunded", refunded_fen: 123450 });
    await user.keyboard(`${PAYLOAD}{Enter}`);
    await waitFor(() => expect(screen.getByTestId("qr-kind")).toHaveTextContent("门诊收费票据"));
    expect(screen.getByTestId("qr-refunded")).toHaveTextContent("已全额退费 ¥1,234.50：不能据此发药或换取发票");

    reply = checked({ kind: null, state: null, on_record: false });
    await user.keyboard(`${PAYLOAD}{Enter}`);
    await waitFor(() => expect(screen.getByTestId("qr-kind")).toHaveTextContent("未标明票据类型（旧版二维码）请到开具工作站查询后再使用"));
  });

  test("an altered or foreign code shows in red, an unreadable one too; the next scan can follow at once", async () => {
    const replies: (() => CodeCheckView)[] = [
      () => {
        throw ipcError("qr_signature_invalid", "收据 MZ01-000123 的签名不符：这张收据被改动过，或不是由工作站 MZ01 开具");
      },
      () => {
        throw ipcError("qr_unreadable", "扫描内容不是 Downtime Desk 收据二维码");
      },
      () => {
        throw ipcError("qr_mismatch", "二维码金额 ¥10.00 与收据 MZ01-000123 的记录 ¥12.00 不符");
      },
      () => checked(),
    ];
    const { calls, user } = await openCheck({ check_receipt_code: () => replies.shift()!() });
    await user.keyboard(`${PAYLOAD}{Enter}`);
    const error = await screen.findByTestId("qr-error");
    expect(error).toHaveTextContent("签名不符：收据被改动过或非本站开具");
    expect(error).toHaveTextContent("不是由工作站 MZ01 开具");
    expect(error.querySelector(".error")).not.toBeNull();
    expect(screen.getByTestId("qr-input")).toHaveValue("");
    expect(screen.getByTestId("qr-input")).toHaveFocus();
    expect(screen.queryByTestId("qr-result")).not.toBeInTheDocument();

    await user.keyboard("hello{Enter}");
    await waitFor(() => expect(screen.getByTestId("qr-error")).toHaveTextContent("无法识别：这不是 Downtime Desk 收据二维码"));
    await user.keyboard(`${PAYLOAD}{Enter}`);
    await waitFor(() => expect(screen.getByTestId("qr-error")).toHaveTextContent("金额不符"));
    await user.keyboard(`${PAYLOAD}{Enter}`);
    expect(await screen.findByTestId("qr-result")).toHaveTextContent("签名有效");
    expect(screen.queryByTestId("qr-error")).not.toBeInTheDocument();
    expect(callsOf(calls, "check_receipt_code").map((c) => c.args)).toEqual([{ payload: PAYLOAD }, { payload: "hello" }, { payload: PAYLOAD }, { payload: PAYLOAD }]);
  });

  test("scans faster than the answers are each checked, in turn; an empty Enter sends nothing", async () => {
    const first = deferred<CodeCheckView>();
    const replies = [() => first.promise, () => Promise.resolve(checked({ receipt_no: "MZ01-000124" }))];
    const { calls, user } = await openCheck({ check_receipt_code: () => replies.shift()!() });
    await user.keyboard("{Enter}");
    await user.keyboard(`${PAYLOAD}{Enter}`);
    await user.keyboard("DD1.second{Enter}");
    expect(screen.getByTestId("qr-input")).toHaveValue("");
    expect(screen.getByText("正在核验…")).toBeInTheDocument();
    first.resolve(checked());
    await waitFor(() => expect(screen.getByTestId("qr-receipt-no")).toHaveTextContent("MZ01-000124"));
    expect(screen.getByTestId("qr-result")).toHaveTextContent("第 2 次扫描");
    expect(callsOf(calls, "check_receipt_code").map((c) => c.args)).toEqual([{ payload: PAYLOAD }, { payload: "DD1.second" }]);
    expect(screen.queryByText("正在核验…")).not.toBeInTheDocument();
  });

  test("a home tile opens it too, and Esc returns to the tile", async () => {
    fakeBackend({ app_status: () => status() });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("nav-receiptCheck"));
    expect(screen.getByRole("dialog", { name: "收据核验" })).toBeInTheDocument();
    expect(screen.getByTestId("qr-input")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("qr-input")).not.toBeInTheDocument();
    expect(screen.getByTestId("nav-receiptCheck")).toHaveFocus();
  });
});
