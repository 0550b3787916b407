// The finance dashboard's page script: reads the same reports as /v1/finance (through the
// session-guarded /finance/data routes) and draws them with Chart.js. Plain browser JS, no build.
(function () {
  'use strict';
  const DAY = 86400000;
  const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
  const num = (text) => (text === null || text === undefined ? null : Number(text));
  const palette = ['#2f6fde', '#e4572e', '#17a398', '#f3a712', '#8f3985', '#6c757d', '#33658a', '#86bbd8', '#758e4f', '#f6ae2d'];

  function period() {
    const params = new URLSearchParams(location.search);
    const to = params.get('to') || iso(Date.now() + DAY);
    const from = params.get('from') || iso(Date.parse(to) - 30 * DAY);
    return { from, to };
  }

  async function get(report, query) {
    const res = await fetch(`/finance/data/${report}?${new URLSearchParams(query)}`, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`${report}: ${res.status} ${(await res.json().catch(() => ({}))).detail || ''}`);
    return res.json();
  }

  const charts = {};
  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: true }, config.options || {});
    charts[id] = new Chart(document.getElementById(id), config);
  }

  function days(from, to) {
    const out = [];
    for (let t = Date.parse(from); t < Date.parse(to) && out.length < 400; t += DAY) out.push(iso(t));
    return out;
  }

  async function load() {
    const { from, to } = period();
    const form = document.getElementById('period');
    form.from.value = from;
    form.to.value = to;
    // every report as of one log position, so the charts agree with each other
    const byDay = await get('margin', { from, to, by: 'day' });
    const asOf = byDay.asOf;
    const [byDestination, byCarrier, carriers, liability, trend, payments] = await Promise.all([
      get('margin', { from, to, by: 'destination', asOf }),
      get('margin', { from, to, by: 'carrier', asOf }),
      get('carriers', { from, to, asOf }),
      get('liability', { asOf }),
      get('liability-trend', { from, to, asOf }),
      get('payments', { from, to, asOf }),
    ]);
    // a period with no traffic still shows the books' currency (from the liability) and zeros
    const currency = (byDay.totals[0] || liability.rows[0] || { currency: '' }).currency;
    const total = byDay.totals.find((t) => t.currency === currency) || {
      currency,
      revenue: '0',
      cost: '0',
      margin: '0',
      marginPercent: null,
    };
    const owed = liability.rows.find((r) => r.currency === currency) || { paid: '0', promotional: '0' };
    document.getElementById('as-of').textContent = `${from} to ${to} (exclusive), as of log position ${asOf}`;
    document.getElementById('kpi-revenue').textContent = `${total.revenue} ${currency}`;
    document.getElementById('kpi-cost').textContent = `${total.cost} ${currency}`;
    document.getElementById('kpi-margin').textContent = `${total.margin} ${currency}`;
    document.getElementById('kpi-margin-percent').textContent = total.marginPercent === null ? '–' : `${total.marginPercent} %`;
    document.getElementById('kpi-liability').textContent = `${owed.paid} ${currency}`;
    document.getElementById('kpi-promotional').textContent = `${owed.promotional} ${currency}`;

    const mine = (rows) => rows.filter((r) => r.currency === currency);
    const dayRows = mine(byDay.rows);
    const labels = days(from, to).filter((d) => dayRows.some((r) => r.key === d));
    const at = (rows, key, field) => num((rows.find((r) => r.key === key) || {})[field]) || 0;
    draw('chart-margin-by-day', {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: 'revenue', data: labels.map((d) => at(dayRows, d, 'revenue')), borderColor: palette[0] },
          { label: 'cost', data: labels.map((d) => at(dayRows, d, 'cost')), borderColor: palette[1] },
          { label: 'margin', data: labels.map((d) => at(dayRows, d, 'margin')), borderColor: palette[2] },
        ],
      },
    });

    const top = mine(byDestination.rows)
      .slice()
      .sort((a, b) => num(b.margin) - num(a.margin))
      .slice(0, 10);
    draw('chart-top-destinations', {
      type: 'bar',
      data: {
        labels: top.map((r) => r.key),
        datasets: [{ label: `margin (${currency})`, data: top.map((r) => num(r.margin)), backgroundColor: palette[2] }],
      },
      options: { indexAxis: 'y' },
    });

    const share = mine(byCarrier.rows);
    draw('chart-carrier-share', {
      type: 'doughnut',
      data: {
        labels: share.map((r) => r.key),
        datasets: [{ label: `revenue (${currency})`, data: share.map((r) => num(r.revenue)), backgroundColor: palette }],
      },
      options: { aspectRatio: 2 },
    });

    draw('chart-carrier-asr', {
      type: 'bar',
      data: {
        labels: carriers.rows.map((r) => r.carrier),
        datasets: [
          { label: 'ASR %', data: carriers.rows.map((r) => num(r.asrPercent)), backgroundColor: palette[0] },
          { label: 'failover %', data: carriers.rows.map((r) => num(r.failoverPercent)), backgroundColor: palette[1] },
        ],
      },
      options: { scales: { y: { min: 0, max: 100 } } },
    });

    const points = trend.rows.filter((r) => r.currency === currency);
    draw('chart-liability', {
      type: 'line',
      data: {
        labels: points.map((p) => p.day),
        datasets: [
          { label: `paid credit owed (${currency})`, data: points.map((p) => num(p.paid)), borderColor: palette[3] },
          { label: `promotional (${currency})`, data: points.map((p) => num(p.promotional)), borderColor: palette[4] },
        ],
      },
    });

    const money = payments.rows.filter((r) => r.currency === currency);
    const moneyDays = [...new Set(money.map((r) => r.day))].sort();
    const sum = (day, types) => money.filter((r) => r.day === day && types.includes(r.type)).reduce((s, r) => s + num(r.paid), 0);
    draw('chart-payments', {
      type: 'bar',
      data: {
        labels: moneyDays,
        datasets: [
          {
            label: 'top-ups and vouchers',
            data: moneyDays.map((d) => sum(d, ['CreditPurchased', 'VoucherRedeemed'])),
            backgroundColor: palette[2],
          },
          {
            label: 'refunds and chargebacks',
            data: moneyDays.map((d) => sum(d, ['CreditRefunded', 'ChargebackDebited', 'ChargebackReversed'])),
            backgroundColor: palette[1],
          },
        ],
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true } } },
    });

    window.trunklineDashboard = { from, to, asOf, currency };
    document.body.dataset.ready = 'true';
  }

  document.getElementById('period').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    history.replaceState(null, '', `/finance?${new URLSearchParams({ from: form.from.value, to: form.to.value })}`);
    document.body.dataset.ready = 'false';
    load().catch(fail);
  });

  function fail(error) {
    document.getElementById('as-of').textContent = `could not load: ${error.message}`;
    document.body.dataset.ready = 'error';
  }
  load().catch(fail);
})();
