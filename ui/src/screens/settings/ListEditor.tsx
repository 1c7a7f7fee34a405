//! The editor of a list the hospital keeps (科室表, 号别与挂号费), shared by their dialogs: the
//! list left — ↑/↓ choose an entry, Enter (or a click) edits it — and the form right, with
//! Ctrl+N 新增; the form as typed is kept when the dialog closes (Esc) and goes on when it opens
//! again. Every write returns the new list from the core, which also decides who may change it:
//! the dialog only says so (`canEdit`, from the status's `may`) and shows the core's refusal.

import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { Dialog } from "../../components/Dialog";
import { ErrorText } from "../../components/ErrorText";
import { useKept } from "../../hooks/useDraft";
import { useHotkeys } from "../../hooks/useHotkeys";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT } from "../../i18n";
import type { Notice } from "../notice";

/** Where the focus goes: the list, the form's first field (the code, fixed once saved), its name. */
export type EditorTarget = "list" | "first" | "name";

export interface ListEditorOptions<T, D> {
  load: () => Promise<T[]>;
  /** The entry's code, unique in the list. */
  keyOf: (item: T) => string;
  /** Where the typed form is kept (`useKept`). */
  draftKey: string;
  blank: D;
  /** The form for editing `item`. */
  toDraft: (item: T) => D;
  /** The form edits a listed entry (its code is then fixed). */
  existing: (draft: D) => boolean;
  /** The form kept from before holds typing: it goes on instead of the list. */
  typed: (draft: D) => boolean;
  /** Which field a write's error code concerns (a module-level function). */
  fieldFor: FieldFor;
  /** The list changed: screens holding it load it again. */
  onChanged: () => void;
}

export function useListEditor<T, D>(o: ListEditorOptions<T, D>) {
  const [items, setItems] = useState<T[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft, clearDraft] = useKept<D>(o.draftKey, o.blank);
  const [notice, setNotice] = useState<Notice | null>(null);
  const load = useSubmit();
  const write = useSubmit(o.fieldFor);
  const list = useRef<HTMLUListElement>(null);
  const first = useRef<HTMLInputElement>(null);
  const name = useRef<HTMLInputElement>(null);
  const [focus, setFocus] = useState<{ target: EditorTarget; seq: number } | null>(null);
  const focusOn = (target: EditorTarget) => setFocus((f) => ({ target, seq: (f?.seq ?? 0) + 1 }));

  useEffect(() => {
    void load.run(async () => {
      const loaded = await o.load();
      setItems(loaded);
      // Text kept from before goes on; else choose from the list, or start a new one.
      focusOn(o.typed(draft) ? (o.existing(draft) ? "name" : "first") : loaded.length > 0 ? "list" : "first");
    });
  }, [load.run]); // once: the draft read is the one kept when the dialog opened

  useEffect(() => {
    if (focus) ({ list: list.current, first: first.current, name: name.current })[focus.target]?.focus();
  }, [focus]);

  useHotkeys({ "Ctrl+N": startNew });

  const rows = items ?? [];
  const index = rows.findIndex((x) => o.keyOf(x) === selected);
  const set = (patch: Partial<D>) => setDraft({ ...draft, ...patch });

  function startNew() {
    clearDraft();
    setNotice(null);
    write.setProblem(null);
    focusOn("first");
  }

  function edit(item: T) {
    setSelected(o.keyOf(item));
    setDraft(o.toDraft(item));
    setNotice(null);
    write.setProblem(null);
    focusOn("name");
  }

  function onListKey(e: KeyboardEvent<HTMLUListElement>) {
    if (rows.length === 0) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const i = index < 0 ? 0 : e.key === "ArrowDown" ? Math.min(index + 1, rows.length - 1) : Math.max(index - 1, 0);
      setSelected(o.keyOf(rows[i]));
    } else if (e.key === "Enter") {
      e.preventDefault();
      edit(rows[Math.max(index, 0)]);
    }
  }

  /** A write that returns the new list; `done` says what became of it. */
  function changed(work: () => Promise<T[]>, done: (next: T[]) => void) {
    setNotice(null);
    return write.run(async () => {
      const next = await work();
      setItems(next);
      o.onChanged();
      done(next);
    });
  }

  return { items, rows, index, selected, setSelected, draft, set, clearDraft, notice, setNotice, load, write, refs: { list, first, name }, focusOn, startNew, edit, onListKey, changed, keyOf: o.keyOf };
}

export type ListEditor<T, D> = ReturnType<typeof useListEditor<T, D>>;

/** The dialog around an editor: its notice on top, then the columns. `prefix` names the test
 *  ids (`<prefix>-editor`, `<prefix>-notice`). */
export function ListEditorDialog({ title, size, prefix, notice, onClose, children }: { title: string; size: "wide" | "full"; prefix: string; notice: Notice | null; onClose: () => void; children: ReactNode }) {
  const t = useT();
  return (
    <Dialog title={title} onClose={onClose} size={size}>
      <div data-testid={`${prefix}-editor`}>
        {notice && (
          <p className="notice" role="status" data-testid={`${prefix}-notice`}>
            {t(notice.key, notice.vars)}
          </p>
        )}
        {children}
      </div>
    </Dialog>
  );
}

interface ListProps<T, D> {
  editor: ListEditor<T, D>;
  prefix: string;
  label: string;
  empty: string;
  hint: string;
  /** The row's text after its code. */
  row: (item: T) => ReactNode;
}

/** The list as a listbox (`<prefix>-list`, rows `<prefix>-row`), its load error above it. */
export function EditorList<T, D>({ editor: e, prefix, label, empty, hint, row }: ListProps<T, D>) {
  return (
    <>
      {e.load.problem && <ErrorText problem={e.load.problem} testId={`${prefix}-load-error`} />}
      <ul
        ref={e.refs.list}
        className="today-list dept-list"
        role="listbox"
        tabIndex={0}
        aria-label={label}
        aria-activedescendant={e.index >= 0 ? `${prefix}-${e.keyOf(e.rows[e.index])}` : undefined}
        data-testid={`${prefix}-list`}
        onKeyDown={e.onListKey}
      >
        {e.items !== null && e.rows.length === 0 && <li className="muted today-empty">{empty}</li>}
        {e.rows.map((x, i) => (
          <li
            key={e.keyOf(x)}
            id={`${prefix}-${e.keyOf(x)}`}
            role="option"
            aria-selected={i === e.index}
            className={`today-row dept-row ${i === e.index ? "active" : ""}`}
            data-testid={`${prefix}-row`}
            onClick={() => e.edit(x)}
          >
            <span className="code">{e.keyOf(x)}</span>
            {row(x)}
          </li>
        ))}
      </ul>
      <p className="field-hint">{hint}</p>
    </>
  );
}

/** Over the form: what it edits, the 新增 button (Ctrl+N), and who may change the list when
 *  the operator may not. */
export function EditorHead({ prefix, title, newLabel, canEdit, rolesOnly, onNew }: { prefix: string; title: string; newLabel: string; canEdit: boolean; rolesOnly: string; onNew: () => void }) {
  return (
    <>
      <div className="dept-form-head">
        <h3>{title}</h3>
        <button type="button" data-testid={`${prefix}-new`} onClick={onNew}>
          {newLabel} <kbd>Ctrl+N</kbd>
        </button>
      </div>
      {!canEdit && <p className="field-hint">{rolesOnly}</p>}
    </>
  );
}
