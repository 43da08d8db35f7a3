// The strategy canvas: vis-network (inlined before this code by ui/canvas.py) drawn in the app's
// own page, themed from Streamlit's CSS variables, with zoom / fit / fullscreen controls.
// A click on a node or an edge is sent to Python as a trigger value ("select").
//
// Every string from the strategy reaches the page only as canvas text, as a vis-network tooltip
// (set with innerText for strings) or through textContent: never as HTML.

const MIN_LABEL_PX = 12.5;

function cssVar(host, name, fallback) {
  const value = getComputedStyle(host).getPropertyValue(name).trim();
  return value || fallback;
}

function build(parentElement) {
  const root = document.createElement("div");
  root.className = "sc-root";
  const bar = document.createElement("div");
  bar.className = "sc-bar";
  const summary = document.createElement("span");
  summary.className = "sc-summary";
  bar.appendChild(summary);
  const spacer = document.createElement("span");
  spacer.className = "sc-spacer";
  bar.appendChild(spacer);
  const zoomText = document.createElement("span");
  zoomText.className = "sc-zoom";
  bar.appendChild(zoomText);
  const buttons = {};
  for (const name of ["zoom_out", "zoom_in", "fit", "fullscreen"]) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sc-btn sc-" + name;
    button.dataset.action = name;
    bar.appendChild(button);
    buttons[name] = button;
  }
  const graph = document.createElement("div");
  graph.className = "sc-graph";
  const legend = document.createElement("div");
  legend.className = "sc-legend";
  root.appendChild(bar);
  root.appendChild(graph);
  root.appendChild(legend);
  parentElement.appendChild(root);
  return { root, bar, summary, zoomText, buttons, graph, legend, network: null, key: null };
}

function themed(DATA, host) {
  const text = cssVar(host, "--st-text-color", "#e2e8f0");
  const background = cssVar(host, "--st-background-color", "#0f172a");
  const nodes = DATA.nodes.map((n) => {
    const copy = Object.assign({}, n);
    // A diamond draws its label below the shape, on the canvas background: use the theme's text.
    if (n.shape === "diamond") copy.font = Object.assign({}, n.font || {}, { color: text });
    return copy;
  });
  const edges = DATA.edges.map((e) => {
    const copy = Object.assign({}, e);
    if (e.label !== undefined) {
      copy.font = Object.assign({}, e.font || {}, { strokeColor: background });
    }
    return copy;
  });
  return { nodes, edges };
}

function readableView(state) {
  // Fit everything; if that would draw labels below MIN_LABEL_PX, zoom to that size instead and
  // start at the left (the trigger), so the flow reads from its beginning and pans to the right.
  const network = state.network;
  const font = state.fontPx;
  network.fit({ animation: false });
  const fitted = network.getScale();
  if (fitted * font >= MIN_LABEL_PX) return;
  const scale = MIN_LABEL_PX / font;
  const ids = state.nodeIds;
  if (!ids.length) return;
  let minX = Infinity, minY = Infinity, maxY = -Infinity;
  for (const id of ids) {
    const box = network.getBoundingBox(id);
    minX = Math.min(minX, box.left);
    minY = Math.min(minY, box.top);
    maxY = Math.max(maxY, box.bottom);
  }
  const width = state.graph.clientWidth || 800;
  const x = minX - 20 / scale + width / (2 * scale);
  network.moveTo({ position: { x: x, y: (minY + maxY) / 2 }, scale: scale, animation: false });
}

function label(button, text) {
  button.textContent = text;
  button.title = text;
  button.setAttribute("aria-label", text);
}

function showZoom(state) {
  if (!state.network) return;
  state.zoomText.textContent = Math.round(state.network.getScale() * 100) + "%";
}

function draw(state, DATA, setTriggerValue) {
  const host = state.root;
  const { nodes, edges } = themed(DATA, host);
  const options = JSON.parse(JSON.stringify(DATA.options));
  options.nodes.font.color = cssVar(host, "--st-text-color", "#e2e8f0");
  window.studioCanvas = window.studioCanvas || {};
  if (state.network) {
    delete window.studioCanvas[state.key];
    state.network.destroy();
  }
  state.key = DATA.key;
  const network = new vis.Network(state.graph, { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) },
    options);
  state.network = network;
  state.fontPx = options.nodes.font.size;
  state.nodeIds = nodes.map((n) => n.id);
  const sid = {};
  DATA.nodes.forEach((n) => { sid[n.id] = n.sid; });
  network.on("click", (params) => {
    if (params.nodes.length) {
      setTriggerValue("select", { kind: "node", id: sid[params.nodes[0]] });
    } else if (params.edges.length) {
      setTriggerValue("select", { kind: "edge", id: params.edges[0] });
    }
  });
  network.on("zoom", () => showZoom(state));
  network.once("afterDrawing", () => {
    if (DATA.highlight !== null && DATA.highlight !== undefined) {
      network.selectNodes([DATA.highlight]);
    }
    readableView(state);
    showZoom(state);
    state.root.dataset.drawn = String(DATA.nodes.length);
    // Tests (and curious users) reach the drawn network by the canvas key.
    window.studioCanvas[DATA.key] = network;
  });
}

function legendOf(state, DATA) {
  state.legend.replaceChildren();
  for (const item of DATA.legend) {
    const key = document.createElement("span");
    key.className = "sc-key" + (item.dashed ? " sc-dashed" : "");
    key.style.setProperty("--key", item.color);
    state.legend.appendChild(key);
    state.legend.appendChild(document.createTextNode(item.label));
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const DATA = data;
  let state = parentElement.__studioCanvas;
  if (!state) {
    state = build(parentElement);
    parentElement.__studioCanvas = state;
    state.buttons.zoom_in.onclick = () => {
      state.network.moveTo({ scale: state.network.getScale() * 1.25, animation: false });
      showZoom(state);
    };
    state.buttons.zoom_out.onclick = () => {
      state.network.moveTo({ scale: state.network.getScale() / 1.25, animation: false });
      showZoom(state);
    };
    state.buttons.fit.onclick = () => { state.network.fit({ animation: false }); showZoom(state); };
    state.buttons.fullscreen.onclick = () => {
      const full = state.root.classList.toggle("sc-full");
      label(state.buttons.fullscreen, state.words[full ? "exit_fullscreen" : "fullscreen"]);
      state.buttons.fullscreen.setAttribute("aria-pressed", String(full));
      // The canvas changed size: tell vis-network, then show the graph readably again.
      state.graph.style.height = full ? "" : state.height + "px";
      requestAnimationFrame(() => {
        state.network.setSize("100%", full ? state.graph.clientHeight + "px" : state.height + "px");
        state.network.redraw();
        readableView(state);
        showZoom(state);
      });
    };
    state.onKey = (event) => {
      if (event.key === "Escape" && state.root.classList.contains("sc-full")) state.buttons.fullscreen.click();
    };
    document.addEventListener("keydown", state.onKey);
  }
  state.words = DATA.words;
  const full = state.root.classList.contains("sc-full");
  for (const [name, button] of Object.entries(state.buttons)) {
    label(button, DATA.words[name === "fullscreen" && full ? "exit_fullscreen" : name]);
  }
  state.height = DATA.height;
  if (!full) state.graph.style.height = DATA.height + "px";
  state.summary.textContent = DATA.summary;
  legendOf(state, DATA);
  // Reruns call this again with the same data: redraw only when the graph changed, so a zoom or
  // pan the user made survives unrelated reruns.
  const signature = JSON.stringify([DATA.nodes, DATA.edges, DATA.highlight, DATA.height]);
  if (signature !== state.signature) {
    state.signature = signature;
    draw(state, DATA, setTriggerValue);
  }
  return () => {
    document.removeEventListener("keydown", state.onKey);
    if (state.network) state.network.destroy();
    if (window.studioCanvas && window.studioCanvas[state.key] === state.network) delete window.studioCanvas[state.key];
    state.root.remove();
    delete parentElement.__studioCanvas;
  };
}
