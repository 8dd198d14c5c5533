// Books finished and pages read per month; the data comes from a json_script element.
(function () {
  var source = document.getElementById("reading-stats-data");
  var canvas = document.getElementById("reading-stats-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: canvas.dataset.booksLabel, data: data.books, backgroundColor: "#8a3b12", yAxisID: "books" },
        { label: canvas.dataset.pagesLabel, data: data.pages, backgroundColor: "#c98a2b", yAxisID: "pages" },
      ],
    },
    options: {
      responsive: true,
      scales: {
        books: { type: "linear", position: "left", beginAtZero: true, ticks: { precision: 0 } },
        pages: { type: "linear", position: "right", beginAtZero: true, grid: { drawOnChartArea: false } },
      },
    },
  });
})();
