//! Where the focus goes on a patient desk (挂号, 入院): a target asked for by name and applied
//! once the screen has rendered (asking again is a new request), and the department list the
//! desk's form needs — loaded on arrival and again at each change to the 科室表 (`deptSeq`).
//! The form waits for that list, so a focus asked for it is applied again when the list comes;
//! and when the 科室表 editor closes after a change, the form gets the focus back.

import { useEffect, useRef, useState } from "react";
import { api } from "../api";
import type { DepartmentView } from "../bindings/DepartmentView";
import { useSubmit } from "../hooks/useSubmit";

interface Options<T extends string> {
  /** The element of each target, read when the focus is applied. */
  targets: () => Record<T, HTMLElement | null>;
  /** The target of the form that waits for the department list. */
  form: T;
  /** Whether the form is on screen to take the focus back from the 科室表 editor. */
  formShown: boolean;
  /** Counts changes to the 科室表. */
  deptSeq: number;
  /** False while a dialog (the 科室表 editor among them) covers the screen. */
  keysOn: boolean;
}

export function useDeskFocus<T extends string>({ targets, form, formShown, deptSeq, keysOn }: Options<T>) {
  const [focus, setFocus] = useState<{ target: T; seq: number } | null>(null);
  const focusOn = (target: T) => setFocus((f) => ({ target, seq: (f?.seq ?? 0) + 1 }));
  const [depts, setDepts] = useState<DepartmentView[] | null>(null);
  const deptLoad = useSubmit();

  /** The 科室表 changed while the editor covered the screen: once it closes, the form. */
  const deptsChanged = useRef(false);
  const seenDeptSeq = useRef(deptSeq);
  useEffect(() => {
    if (deptSeq !== seenDeptSeq.current) deptsChanged.current = true;
    seenDeptSeq.current = deptSeq;
    void deptLoad.run(async () => setDepts(await api.departments()));
  }, [deptLoad.run, deptSeq]);
  useEffect(() => {
    if (!keysOn || !deptsChanged.current) return;
    deptsChanged.current = false;
    if (formShown) focusOn(form);
  }, [keysOn]); // when the editor closes; the state it reads is this render's

  const applyFocus = (target: T) => targets()[target]?.focus();
  useEffect(() => {
    if (focus) applyFocus(focus.target);
  }, [focus]);
  // The form waits for the department list; it then gets the focus it was asked for.
  useEffect(() => {
    if (focus?.target === form && document.activeElement === document.body) applyFocus(form);
  }, [depts]); // only the arrival of the list matters here

  return { focusOn, depts, setDepts, deptLoad };
}
