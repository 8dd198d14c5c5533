// Charts of the yearly stats page; the data comes from a json_script element and every
// chart has a table next to it, so the page reads the same without JavaScript.
(function () {
  var source = document.getElementById("library-stats-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var colours = ["#8a3b12", "#c98a2b"];
  function bar(id, labels, datasets, options) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, { type: "bar", data: { labels: labels, datasets: datasets }, options: options || {} });
  }
  var months = document.getElementById("chart-months");
  if (months) {
    bar("chart-months", data.months.labels, [
      { label: months.dataset.booksLabel, data: data.months.books, backgroundColor: colours[0], yAxisID: "books" },
      { label: months.dataset.pagesLabel, data: data.months.pages, backgroundColor: colours[1], yAxisID: "pages" },
    ], {
      scales: {
        books: { type: "linear", position: "left", beginAtZero: true, ticks: { precision: 0 } },
        pages: { type: "linear", position: "right", beginAtZero: true, grid: { drawOnChartArea: false } },
      },
    });
  }
  ["ratings", "buckets"].forEach(function (kind) {
    var canvas = document.getElementById("chart-" + kind);
    if (!canvas) return;
    bar("chart-" + kind, data[kind].labels, [{ label: canvas.dataset.label, data: data[kind].counts, backgroundColor: colours[0] }], {
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    });
  });
})();
