// The mechanism network on /evidence/pictures/: CAF → cargo → target/pathway → effect, drawn with Cytoscape.js
// from the evidence API. Columns are fixed by facet (no layout engine), so the same data always gives the same
// picture. A click on an edge lists its papers; the picture exports as PNG (Cytoscape) and SVG (built here).
(() => {
  "use strict";

  const COLUMNS = ["donor", "cargo", "target", "effect"];
  const COLOURS = { donor: "#6741d9", cargo: "#1c7ed6", target: "#2b8a3e", effect: "#d9480f" };
  const COLUMN_GAP = 260;
  const ROW_GAP = 56;

  const container = document.getElementById("network");
  if (!container || typeof window.cytoscape !== "function") return;
  const panel = document.getElementById("network-edge");

  function positions(nodes) {
    const rows = Object.fromEntries(COLUMNS.map((facet) => [facet, 0]));
    const placed = {};
    nodes
      .slice()
      .sort((a, b) => a.data.label.localeCompare(b.data.label))
      .forEach((node) => {
        const facet = node.data.facet;
        placed[node.data.id] = { x: COLUMNS.indexOf(facet) * COLUMN_GAP, y: rows[facet] * ROW_GAP };
        rows[facet] += 1;
      });
    return placed;
  }

  function text(tag, content, attributes = {}) {
    const element = document.createElement(tag);
    element.textContent = content;
    Object.entries(attributes).forEach(([name, value]) => element.setAttribute(name, value));
    return element;
  }

  function edgeQuery(data) {
    const query = new URLSearchParams(container.dataset.filters || "");
    query.set(data.source_facet, data.source_term);
    query.set(data.target_facet, data.target_term);
    return query;
  }

  function showEdge(edge) {
    const data = edge.data();
    const query = edgeQuery(data);
    panel.replaceChildren(
      text("h3", `${edge.source().data("label")} → ${edge.target().data("label")}`),
      text(
        "p",
        `${data.papers} paper${data.papers === 1 ? "" : "s"}: ${data.promotes} say promotes, ` +
          `${data.suppresses} say suppresses.${data.disagree ? " The papers disagree." : ""}`,
        { class: data.disagree ? "edge-summary disagree" : "edge-summary" },
      ),
      text("a", "Open them in the evidence browser", { href: `${container.dataset.browser}?${query}` }),
    );
    panel.hidden = false;
    const list = document.createElement("ul");
    list.className = "edge-papers";
    panel.appendChild(list);
    query.set("page_size", "50");
    fetch(`${container.dataset.api}?${query}`, { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((page) => {
        const seen = new Set();
        page.results.forEach((row) => {
          // One line per paper: a paper with two mechanisms on this edge comes back twice.
          const paper = `${row.citation.pmid || ""}|${row.citation.title}`;
          if (seen.has(paper)) return;
          seen.add(paper);
          const item = document.createElement("li");
          item.appendChild(text("a", row.citation.title || `PMID ${row.citation.pmid}`, { href: row.paper_url }));
          list.appendChild(item);
        });
      })
      .catch(() => list.appendChild(text("li", "The papers could not be loaded.")));
  }

  function escapeXml(value) {
    return String(value).replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  }

  // An SVG of what is drawn: straight edges, round nodes, labels, in the model's coordinates.
  function toSvg(cy) {
    const box = cy.elements().boundingBox({ includeLabels: true });
    const pad = 20;
    const parts = [
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${box.x1 - pad} ${box.y1 - pad} ${box.w + 2 * pad} ` +
        `${box.h + 2 * pad}" width="${box.w + 2 * pad}" height="${box.h + 2 * pad}" font-family="sans-serif" ` +
        `font-size="12">`,
    ];
    cy.edges().forEach((edge) => {
      const s = edge.source().position();
      const t = edge.target().position();
      const dash = edge.data("disagree") ? ' stroke-dasharray="8 5"' : "";
      parts.push(
        `<line x1="${s.x}" y1="${s.y}" x2="${t.x}" y2="${t.y}" stroke="${edge.style("line-color")}" ` +
          `stroke-width="${parseFloat(edge.style("width"))}" stroke-opacity="0.8"${dash}>` +
          `<title>${escapeXml(edge.data("papers"))} papers</title></line>`,
      );
    });
    cy.nodes().forEach((node) => {
      const p = node.position();
      parts.push(
        `<circle cx="${p.x}" cy="${p.y}" r="10" fill="${COLOURS[node.data("facet")]}"/>` +
          `<text x="${p.x}" y="${p.y - 14}" text-anchor="middle">${escapeXml(node.data("label"))}</text>`,
      );
    });
    parts.push("</svg>");
    return parts.join("\n");
  }

  function download(name, href) {
    const link = document.createElement("a");
    link.href = href;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  fetch(container.dataset.src, { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((elements) => {
      if (!elements.nodes.length) {
        container.replaceChildren(text("p", "No accepted mechanism matches these filters.", { class: "empty" }));
        return;
      }
      const most = Math.max(1, ...elements.edges.map((edge) => edge.data.papers));
      const cy = window.cytoscape({
        container,
        elements,
        layout: { name: "preset", positions: positions(elements.nodes), fit: true, padding: 30 },
        wheelSensitivity: 0.3,
        style: [
          {
            selector: "node",
            style: {
              label: "data(label)",
              "font-size": 11,
              "text-valign": "top",
              "text-margin-y": -4,
              width: 18,
              height: 18,
              "background-color": (node) => COLOURS[node.data("facet")] || "#868e96",
            },
          },
          {
            selector: "edge",
            style: {
              width: (edge) => 1 + (9 * edge.data("papers")) / most,
              "line-color": "#adb5bd",
              "curve-style": "bezier",
              "target-arrow-shape": "triangle",
              "target-arrow-color": "#adb5bd",
              opacity: 0.85,
            },
          },
          {
            selector: "edge[?disagree]",
            style: { "line-color": "#e03131", "target-arrow-color": "#e03131", "line-style": "dashed" },
          },
          { selector: "edge:selected", style: { "line-color": "#1c7ed6", "target-arrow-color": "#1c7ed6" } },
        ],
      });
      container.dataset.nodes = String(cy.nodes().length);
      container.dataset.edges = String(cy.edges().length);
      container.dataset.disagreements = String(cy.edges("[?disagree]").length);
      container.dataset.ready = "true";
      cy.on("tap", "edge", (event) => showEdge(event.target));
      window.cafexNetwork = cy; // for the browser tests, which read what was drawn
      document.getElementById("network-png")?.addEventListener("click", () => {
        download("cafex-mechanism-network.png", cy.png({ full: true, scale: 2, bg: "#ffffff" }));
      });
      document.getElementById("network-svg")?.addEventListener("click", () => {
        const blob = new Blob([toSvg(cy)], { type: "image/svg+xml" });
        const url = URL.createObjectURL(blob);
        download("cafex-mechanism-network.svg", url);
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      });
    })
    .catch(() => container.replaceChildren(text("p", "The network could not be loaded.", { class: "empty" })));
})();
