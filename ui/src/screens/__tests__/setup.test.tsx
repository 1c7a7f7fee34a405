import { screen } from "@testing-library/react";
import { describe, expect, test, vi } from "vitest";
import {
  callsOf,
  catalogVersion,
  fakeBackend,
  importReport,
  ipcError,
  operator,
  renderApp,
  station,
  status,
  catalogStatus,
} from "../../test/fixtures";

const fresh = status({ station: null, operator: null });

async function fillSetup(user: ReturnType<typeof renderApp>["user"], pin2: string) {
  await user.type(await screen.findByTestId("setup-hospital"), "市第一人民医院");
  await user.type(screen.getByTestId("setup-code"), "mz01");
  await user.type(screen.getByTestId("setup-station-name"), "门诊收费一号窗");
  await user.type(screen.getByTestId("setup-admin-name"), "王管理");
  await user.type(screen.getByTestId("setup-admin-pin"), "246810");
  await user.type(screen.getByTestId("setup-admin-pin2"), pin2);
}

describe("setup", () => {
  test("starts on setup when there is no station, with the first field focused", async () => {
    fakeBackend({ app_status: () => fresh });
    renderApp();
    expect(await screen.findByTestId("setup-hospital")).toHaveFocus();
    expect(screen.queryByTestId("status-bar")).not.toBeInTheDocument();
  });

  test("station code is upper-cased as typed", async () => {
    fakeBackend({ app_status: () => fresh });
    const { user } = renderApp();
    await user.type(await screen.findByTestId("setup-code"), "mz01");
    expect(screen.getByTestId("setup-code")).toHaveValue("MZ01");
  });

  test("Enter walks the fields in order", async () => {
    fakeBackend({ app_status: () => fresh });
    const { user } = renderApp();
    await user.type(await screen.findByTestId("setup-hospital"), "医院{Enter}");
    expect(screen.getByTestId("setup-code")).toHaveFocus();
    await user.keyboard("MZ01{Enter}");
    expect(screen.getByTestId("setup-station-name")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("setup-code")).toHaveFocus();
    expect(screen.getByTestId("setup-code")).toHaveValue("MZ01");
  });

  test("a PIN mismatch is caught before any call", async () => {
    const calls = fakeBackend({ app_status: () => fresh, setup_station: () => fresh });
    const { user } = renderApp();
    await fillSetup(user, "246811");
    await user.click(screen.getByTestId("setup-submit"));
    expect(await screen.findByTestId("setup-error")).toHaveTextContent("两次输入的 PIN 不一致");
    expect(screen.getByTestId("setup-admin-pin2")).toHaveFocus();
    expect(callsOf(calls, "setup_station")).toHaveLength(0);
  });

  test("success sends the input and shows the fingerprint; continue goes to the shell as the administrator", async () => {
    const calls = fakeBackend({
      app_status: () => fresh,
      setup_station: () => status({ operator: operator("王管理", "admin") }),
    });
    const { user } = renderApp();
    await fillSetup(user, "246810{Enter}");
    expect(await screen.findByTestId("setup-fingerprint")).toHaveTextContent(station.fingerprint);
    expect(callsOf(calls, "setup_station")[0].args).toEqual({
      input: { hospital: "市第一人民医院", code: "MZ01", station_name: "门诊收费一号窗", admin_name: "王管理", admin_pin: "246810", kind: "counter" },
    });
    expect(screen.getByTestId("setup-continue")).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("status-operator")).toHaveTextContent("王管理 · 管理员");
    expect(screen.queryByTestId("login-name")).not.toBeInTheDocument();
  });

  test("a refused station code is shown and its field focused", async () => {
    fakeBackend({
      app_status: () => fresh,
      setup_station: () => {
        throw ipcError("station_code_invalid", "工作站代码只能是字母和数字");
      },
    });
    const { user } = renderApp();
    await fillSetup(user, "246810{Enter}");
    expect(await screen.findByTestId("setup-error")).toHaveTextContent("工作站代码只能是字母和数字");
    expect(screen.getByTestId("setup-code")).toHaveFocus();
  });

  test("导入示例价目表 on the fingerprint page shows the summary; continue takes the new price list along", async () => {
    const admin = operator("王管理", "admin");
    const version = catalogVersion({ file_name: "示例价目表-2026-11.csv", items: 120 });
    let current = fresh;
    const calls = fakeBackend({
      app_status: () => current,
      setup_station: () => (current = status({ operator: admin })),
      catalog_import_sample: () => {
        current = status({ operator: admin, catalog: catalogStatus(version, false) });
        return [importReport({ file_name: version.file_name, good: 120, version })];
      },
    });
    const { user } = renderApp();
    await fillSetup(user, "246810{Enter}");
    expect(await screen.findByTestId("setup-continue")).toHaveFocus();
    await user.tab();
    expect(screen.getByTestId("setup-import-sample")).toHaveFocus();
    await user.keyboard("{Enter}");
    const summary = await screen.findByTestId("import-summary");
    expect(summary).toHaveTextContent("已导入价目表：2026-11，共 120 项。");
    expect(summary).toHaveTextContent("西药费 2");
    expect(callsOf(calls, "catalog_import_sample")).toHaveLength(1);
    expect(screen.getByTestId("setup-import-sample")).toBeDisabled();
    await vi.waitFor(() => expect(screen.getByTestId("setup-continue")).toHaveFocus());
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("status-catalog")).toHaveTextContent("价目表：2026-11（120 项）");
    expect(screen.queryByTestId("login-name")).not.toBeInTheDocument();
  });
});
