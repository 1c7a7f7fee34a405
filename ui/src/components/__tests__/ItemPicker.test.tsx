import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, test, vi } from "vitest";
import type { CatalogItemView } from "../../bindings/CatalogItemView";
import type { CatalogStatusView } from "../../bindings/CatalogStatusView";
import { I18nProvider } from "../../i18n";
import { allRepliesHandled, callsOf, catalogItem, catalogVersion, deferred, fakeBackend,
  catalogStatus,
} from "../../test/fixtures";
import { ItemPicker } from "../ItemPicker";

const imported: CatalogStatusView = catalogStatus(catalogVersion(), false);

const zcf = [
  catalogItem("X0001", "注射用头孢呋辛钠", "12.5000", { spec: "0.75g" }),
  catalogItem("X0002", "注射用长春西汀", "0.0125", { spec: "10mg" }),
  catalogItem("X0003", "注射用重组人干扰素", "245.80"),
];

function renderPicker(catalog = imported) {
  const onPick = vi.fn<(item: CatalogItemView) => void>();
  const user = userEvent.setup();
  render(
    <I18nProvider>
      <ItemPicker catalog={catalog} onPick={onPick} autoFocus />
    </I18nProvider>,
  );
  return { user, onPick };
}

const rows = () => screen.getAllByTestId("item-row");

describe("item picker", () => {
  test("typing asks the core with the text and lists code, name, spec, unit, exact price, category", async () => {
    const calls = fakeBackend({ catalog_search: () => zcf });
    const { user } = renderPicker();
    await user.keyboard("zcf");
    await screen.findByTestId("item-results");
    expect(callsOf(calls, "catalog_search").at(-1)?.args).toEqual({ query: "zcf", limit: 20 });
    expect(rows()).toHaveLength(3);
    expect(rows()[1]).toHaveTextContent("X0002注射用长春西汀10mg支¥0.0125西药费");
    expect(within(rows()[0]).getByText("¥12.5000")).toBeInTheDocument(); // never re-formatted
  });

  test("arrows move the highlight and Enter picks the second result", async () => {
    fakeBackend({ catalog_search: () => zcf });
    const { user, onPick } = renderPicker();
    await user.keyboard("zcf");
    await screen.findByTestId("item-results");
    expect(rows()[0]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowDown}{ArrowDown}{ArrowUp}");
    expect(rows()[1]).toHaveAttribute("aria-selected", "true");
    expect(rows()[1]).toHaveClass("active");
    expect(rows()[0]).toHaveAttribute("aria-selected", "false");
    await user.keyboard("{Enter}");
    expect(onPick).toHaveBeenCalledExactlyOnceWith(zcf[1]);
    expect(screen.queryByTestId("item-results")).not.toBeInTheDocument();
    expect(screen.getByTestId("item-search")).toHaveFocus();
  });

  test("a late reply to an older text is ignored", async () => {
    const replies = new Map([
      ["z", deferred<CatalogItemView[]>()],
      ["zc", deferred<CatalogItemView[]>()],
    ]);
    fakeBackend({ catalog_search: (args) => replies.get(args?.query as string)!.promise });
    const { user } = renderPicker();
    await user.keyboard("zc");
    replies.get("zc")!.resolve([zcf[1]]);
    await screen.findByTestId("item-results");
    replies.get("z")!.resolve(zcf);
    await allRepliesHandled();
    expect(rows()).toHaveLength(1);
    expect(rows()[0]).toHaveTextContent("注射用长春西汀");
  });

  test("Enter before the reply picks the best match of what was typed", async () => {
    const reply = deferred<CatalogItemView[]>();
    fakeBackend({ catalog_search: () => reply.promise });
    const { user, onPick } = renderPicker();
    await user.keyboard("X0003{Enter}");
    expect(onPick).not.toHaveBeenCalled();
    reply.resolve([zcf[2]]);
    await vi.waitFor(() => expect(onPick).toHaveBeenCalledExactlyOnceWith(zcf[2]));
  });

  test("Esc closes the list and is handled; a second Esc is left to the screen", async () => {
    fakeBackend({ catalog_search: () => zcf });
    const { user } = renderPicker();
    const seen: boolean[] = [];
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && seen.push(e.defaultPrevented);
    window.addEventListener("keydown", onKey);
    await user.keyboard("zcf");
    await screen.findByTestId("item-results");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("item-results")).not.toBeInTheDocument();
    await user.keyboard("{Escape}");
    window.removeEventListener("keydown", onKey);
    expect(seen).toEqual([false]); // the first never reached the window
    await user.keyboard("{ArrowDown}");
    expect(screen.getByTestId("item-results")).toBeInTheDocument(); // the results come back
  });

  test("says when nothing matches", async () => {
    fakeBackend({ catalog_search: () => [] });
    const { user } = renderPicker();
    await user.keyboard("qqq");
    expect(await screen.findByTestId("item-none")).toHaveTextContent("没有找到“qqq”");
  });

  test("without a price list it says how to import one and searches nothing", async () => {
    const calls = fakeBackend({ catalog_search: () => zcf });
    renderPicker(catalogStatus(null, false));
    expect(screen.getByTestId("catalog-missing")).toHaveTextContent("尚未导入价目表，无法查价或收费");
    expect(screen.getByTestId("item-search")).toBeDisabled();
    expect(callsOf(calls, "catalog_search")).toHaveLength(0);
  });
});
