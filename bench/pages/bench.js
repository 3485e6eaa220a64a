// Benchmark pages: a <table> or a div grid of N customer rows (?rows=N), plus
// window.bench helpers the runner calls. Deterministic content.
(function () {
  const params = new URLSearchParams(location.search);
  const rows = Number(params.get('rows') || 1000);
  const isGrid = !!document.getElementById('g');
  const mobile = (i) => '1' + (3 + (i % 7)) + String(100000000 + ((i * 7919) % 899999999)).slice(-9);
  const order = (i) => '2026' + String(1000000000000 + i * 37).slice(-14);
  function rowHtml(i) {
    const m = mobile(i);
    const shown = i % 2 ? `${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}` : m;
    if (isGrid) {
      return `<div class="row"><div class="cell">KH${100000 + i}</div><div class="cell">客户${i}</div><div class="cell c-mobile">${shown}</div><div class="cell">${order(i)}</div><div class="cell">¥${(i * 13.7).toFixed(2)}</div></div>`;
    }
    return `<tr><td>KH${100000 + i}</td><td>客户${i}</td><td class="c-mobile">${shown}</td><td>${order(i)}</td><td>¥${(i * 13.7).toFixed(2)}</td></tr>`;
  }
  const body = isGrid ? document.querySelector('#g .grid-body') : document.querySelector('#t tbody');
  let next = 0;
  function append(n) {
    let html = '';
    for (let k = 0; k < n; k++) html += rowHtml(next++);
    body.insertAdjacentHTML('beforeend', html);
  }
  append(rows);
  const buttons = document.getElementsByTagName('callbar-call');
  const longTasks = [];
  new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => ({ start: e.startTime, duration: e.duration })))).observe({ type: 'longtask', buffered: true });
  window.bench = {
    cellSelector: isGrid ? '#g .c-mobile' : '#t td.c-mobile',
    /** Baseline: one bare pass reading the same cells' text. */
    readCells() {
      const t0 = performance.now();
      let total = 0;
      for (const cell of document.querySelectorAll(this.cellSelector)) total += cell.textContent.length;
      return { ms: performance.now() - t0, total };
    },
    /** The page's own price for ANY DOM change: one span into one cell, then layout. */
    singleChangeLayout() {
      const cell = document.querySelector(this.cellSelector);
      void document.body.offsetHeight;
      const t0 = performance.now();
      const span = cell.appendChild(document.createElement('span'));
      void document.body.offsetHeight;
      const ms = performance.now() - t0;
      span.remove();
      void document.body.offsetHeight;
      return ms;
    },
    buttonCount: () => buttons.length,
    rowCount: () => next,
    /**
     * Resolves with the time (ms since `since`, a performance.now()) when `count` buttons
     * exist. A MutationObserver sees the insertion in the same task it happens in, so the
     * figure is the extension's work, not when the browser next gets to render (on a
     * 100k-row table the page's own layout takes seconds after any change).
     */
    waitForButtons(count, since) {
      return new Promise((resolve) => {
        if (buttons.length >= count) return resolve(performance.now() - since);
        const observer = new MutationObserver(() => {
          if (buttons.length < count) return;
          observer.disconnect();
          resolve(performance.now() - since);
        });
        observer.observe(document.body, { childList: true, subtree: true });
      });
    },
    /** Append n rows and time until each has its button. */
    async appendAndWait(n) {
      const expected = buttons.length + n;
      const t0 = performance.now();
      append(n);
      return this.waitForButtons(expected, t0);
    },
    longTasksSince(since) {
      return longTasks.filter((t) => t.start >= since);
    },
  };
  document.body.dataset.ready = '1';
})();
