import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DataTable } from "./data-table";

const render = (props: Partial<Parameters<typeof DataTable>[0]> = {}) =>
  renderToStaticMarkup(
    <DataTable region="Users" caption="Users of the dashboard" columns={["User", "Role", ""]} minWidth="min-w-[560px]" {...props}>
      <tr>
        <td>alice</td>
        <td>admin</td>
        <td />
      </tr>
    </DataTable>,
  );

describe("DataTable", () => {
  it("names its scroll region, captions the table and scopes every header", () => {
    const html = render();
    expect(html).toContain('role="region" aria-label="Users"');
    expect(html).toContain('<caption class="sr-only">Users of the dashboard</caption>');
    expect(html.match(/<th scope="col"/g)).toHaveLength(3);
    expect(html).toContain("<td>alice</td>");
  });

  it("shows the loading, error or empty message instead of the table", () => {
    expect(render({ loading: "Loading users…" })).toMatch(/role="status"[^>]*>Loading users…<\/p>/);
    expect(render({ error: "Could not load the users: down" })).toMatch(/role="alert"[^>]*>Could not load the users: down<\/p>/);
    const empty = render({ empty: "No users yet." });
    expect(empty).toContain("No users yet.");
    expect(empty).not.toContain("<table");
  });
});

describe("DataTable on a phone", () => {
  it("labels each cell with its column's header, and lays the buttons of a header-less column side by side", () => {
    const html = render();
    const scope = /data-table="([^"]+)"/.exec(html)?.[1];
    expect(scope).toBeTruthy();
    expect(html).toContain(`[data-table="${scope}"] td:nth-child(1)::before{content:"User"}`);
    expect(html).toContain(`[data-table="${scope}"] td:nth-child(2)::before{content:"Role"}`);
    expect(html).toContain(`[data-table="${scope}"] td:nth-child(3):not(:empty){display:flex`);
    expect(html).toContain("@media (width < 40rem)");
  });
});
