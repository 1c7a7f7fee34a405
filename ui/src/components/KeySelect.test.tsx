import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { KeySelect } from "./KeySelect";

function Depts() {
  const [v, setV] = useState("NK");
  const options = ["EK", "FK", "JZ", "NK", "ZY", "ZYNK"].map((c) => ({ value: c, label: `${c} 科` }));
  return <KeySelect name="dept" label="科室" testId="dept" value={v} options={[{ value: "", label: "请选择" }, ...options]} onChange={setV} codeTypeAhead />;
}

describe("KeySelect code type-ahead", () => {
  it("chooses the first code that starts with the letters typed", () => {
    render(<Depts />);
    const select = screen.getByTestId("dept") as HTMLSelectElement;
    fireEvent.keyDown(select, { key: "J" });
    expect(select.value).toBe("JZ");
    fireEvent.keyDown(select, { key: "Z" });
    expect(select.value).toBe("JZ");
  });

  it("starts over after Enter or a letter that leads nowhere", () => {
    render(<Depts />);
    const select = screen.getByTestId("dept") as HTMLSelectElement;
    fireEvent.keyDown(select, { key: "N" });
    fireEvent.keyDown(select, { key: "Enter" });
    fireEvent.keyDown(select, { key: "J" });
    expect(select.value).toBe("JZ");
    fireEvent.keyDown(select, { key: "E" });
    expect(select.value).toBe("EK");
  });

  it("keeps building the code within a second", () => {
    render(<Depts />);
    const select = screen.getByTestId("dept") as HTMLSelectElement;
    fireEvent.keyDown(select, { key: "Z" });
    expect(select.value).toBe("ZY");
    fireEvent.keyDown(select, { key: "Y" });
    fireEvent.keyDown(select, { key: "N" });
    expect(select.value).toBe("ZYNK");
  });
});
