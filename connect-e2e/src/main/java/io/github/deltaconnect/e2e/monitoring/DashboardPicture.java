package io.github.deltaconnect.e2e.monitoring;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Renders a static, Grafana-dark-styled dashboard (header bar plus a grid of time-series and stat
 * panels) to a PNG using only the JDK, so benchmark runs can publish a picture without a Grafana server.
 *
 * <p>Instances are immutable; {@link #write} may be called repeatedly and from several threads.
 * Works with {@code -Djava.awt.headless=true}.
 */
public final class DashboardPicture {

  /** One line on a panel; one value per sample (aligned with the sample times). NaN/infinite values are gaps. */
  public record Series(String name, double[] values) {
    public Series {
      name = name == null ? "" : name;
      values = values == null ? new double[0] : values.clone(); // defensive copy keeps the record immutable
    }

    @Override
    public double[] values() {
      return values.clone();
    }
  }

  /**
   * A panel. {@code unit} is one of "ops/s", "ms", "bytes", "count", "ratio", "percent" (values 0..100) or "";
   * any other text is treated like "ops/s" (SI-scaled, unit appended in legend/stat). {@code stat=true} draws the
   * last value of the first series as a big number with a sparkline.
   */
  public record Panel(String title, String unit, List<Series> series, boolean stat) {
    public Panel {
      title = title == null ? "" : title;
      unit = unit == null ? "" : unit.trim();
      series = series == null ? List.of() : series.stream().filter(Objects::nonNull).toList();
    }
  }

  // ---- geometry (px) ----
  private static final int WIDTH = 1600;
  private static final int HEADER_H = 64;
  private static final int GAP = 8;              // Grafana's grid gutter
  private static final int TS_ROW_H = 260;
  private static final int STAT_ROW_H = 150;     // used only when every panel in the row is a stat panel
  private static final int PAD = 12;
  private static final int TITLE_H = 36;         // panel title band
  private static final int X_LABEL_H = 22;
  private static final int LEGEND_LINE_H = 20;
  private static final int MIN_PLOT_H = 90;      // legend rows are dropped before the plot gets smaller than this
  private static final int MAX_COLUMNS = 8;      // below ~190 px a panel can no longer hold axes + legend

  // ---- Grafana dark theme ----
  private static final Color BG = new Color(0x111217);
  private static final Color PANEL_BG = new Color(0x181b1f);
  private static final Color BORDER = new Color(0x2c3235);
  private static final Color GRID = new Color(0x2c3235);
  private static final Color TEXT = new Color(0xccccdc);
  private static final Color TEXT_DIM = new Color(0x9a9aab);   // Grafana's secondary text (ccccdc @ ~65%) flattened
  private static final List<Color> PALETTE = List.of(
      new Color(0x73bf69), new Color(0xf2cc0c), new Color(0x5794f2), new Color(0xff9830),
      new Color(0xf2495c), new Color(0xb877d9), new Color(0x8ab8ff), new Color(0xffb357));

  // "SansSerif" is a logical font, so it resolves on every JDK (DejaVu Sans on typical Linux).
  private static final Font HEADER_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 20);
  private static final Font SUBTITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
  private static final Font AXIS_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final Font LEGEND_VALUE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 12);
  private static final Font NO_DATA_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);

  private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE_HMS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MONTH_DAY = DateTimeFormatter.ofPattern("MMM dd", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** Candidate x-axis tick spacings: multiples that read naturally on a clock. */
  private static final List<Long> TIME_STEPS = List.of(
      1_000L, 2_000L, 5_000L, 10_000L, 15_000L, 30_000L, 60_000L, 120_000L, 300_000L, 600_000L,
      900_000L, 1_800_000L, 3_600_000L, 7_200_000L, 10_800_000L, 21_600_000L, 43_200_000L, 86_400_000L);

  /** A unit scale step: values >= factor are divided by it and labelled. */
  private record Rung(double factor, String label) {}

  private static final List<Rung> SI = List.of(
      new Rung(1, ""), new Rung(1e3, "K"), new Rung(1e6, "M"), new Rung(1e9, "G"), new Rung(1e12, "T"),
      new Rung(1e15, "P"), new Rung(1e18, "E"));
  private static final List<Rung> BYTES = List.of(
      new Rung(1, "B"), new Rung(1024, "KiB"), new Rung(1024.0 * 1024, "MiB"), new Rung(1024.0 * 1024 * 1024, "GiB"),
      new Rung(1024.0 * 1024 * 1024 * 1024, "TiB"), new Rung(1024.0 * 1024 * 1024 * 1024 * 1024, "PiB"),
      new Rung(1024.0 * 1024 * 1024 * 1024 * 1024 * 1024, "EiB"));
  private static final List<Rung> MILLIS = List.of(
      new Rung(1e-3, "µs"), new Rung(1, "ms"), new Rung(1e3, "s"), new Rung(6e4, "min"), new Rung(3.6e6, "h"));

  private final String title;
  private final String subtitle;
  private final long[] times;
  private final List<Panel> panels;
  private final int columns;

  /**
   * @param sampleTimesMillis epoch millis of each sample (ascending); may be empty, then samples are spaced evenly
   *                          and the x axis is unlabelled
   * @param columns           panels per row, clamped to 1..8
   */
  public DashboardPicture(String title, String subtitle, long[] sampleTimesMillis, List<Panel> panels, int columns) {
    this.title = title == null ? "" : title;
    this.subtitle = subtitle == null ? "" : subtitle;
    this.times = sampleTimesMillis == null ? new long[0] : sampleTimesMillis.clone();
    this.panels = panels == null ? List.of() : panels.stream().filter(Objects::nonNull).toList();
    this.columns = Math.max(1, Math.min(MAX_COLUMNS, columns));
  }

  /** Renders the dashboard and writes it as PNG (1600 px wide), creating parent directories if needed. */
  public void write(Path png) throws IOException {
    int rows = (panels.size() + columns - 1) / columns;
    int[] rowH = new int[rows];
    int height = HEADER_H + GAP;
    for (int r = 0; r < rows; r++) {
      boolean allStat = true;
      for (int i = r * columns; i < Math.min(panels.size(), (r + 1) * columns); i++) {
        allStat &= panels.get(i).stat();
      }
      rowH[r] = allStat ? STAT_ROW_H : TS_ROW_H;
      height += rowH[r] + GAP;
    }

    BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      applyQualityHints(g);
      g.setColor(BG);
      g.fillRect(0, 0, WIDTH, height);
      drawHeader(g);

      XDomain xd = XDomain.of(times, panels);
      double colW = (WIDTH - GAP * (columns + 1)) / (double) columns;
      int y = HEADER_H + GAP;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < columns && r * columns + c < panels.size(); c++) {
          Panel p = panels.get(r * columns + c);
          int x0 = (int) Math.round(GAP + c * (colW + GAP));
          int x1 = (int) Math.round(GAP + c * (colW + GAP) + colW);
          // Each panel gets its own Graphics so clips/paints cannot leak into neighbours.
          Graphics2D pg = (Graphics2D) g.create();
          try {
            if (p.stat()) {
              drawStat(pg, p, xd, x0, y, x1 - x0, rowH[r]);
            } else {
              drawTimeSeries(pg, p, xd, x0, y, x1 - x0, rowH[r]);
            }
          } finally {
            pg.dispose();
          }
        }
        y += rowH[r] + GAP;
      }
    } finally {
      g.dispose();
    }

    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = Files.newOutputStream(png)) {
      if (!ImageIO.write(img, "png", out)) {
        throw new IOException("no PNG writer available");
      }
    }
  }

  private static void applyQualityHints(Graphics2D g) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    // PURE keeps curves smooth; crisp 1 px lines are drawn on half-pixel centres instead (see hLine/vLine).
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
  }

  // ---- header ----

  private void drawHeader(Graphics2D g) {
    g.setColor(PANEL_BG);
    g.fillRect(0, 0, WIDTH, HEADER_H);
    g.setColor(BORDER);
    hLine(g, 0, WIDTH, HEADER_H - 1);

    // Small orange/yellow accent dot, a nod to Grafana's branding colours.
    g.setPaint(new GradientPaint(20, 20, new Color(0xf05a28), 44, 44, new Color(0xfbca0a)));
    g.fill(new Ellipse2D.Double(20, HEADER_H / 2.0 - 11, 22, 22));
    int textX = 54;

    // Time range on the right, so the picture says what it covers without any context.
    int rightW = 0;
    if (times.length > 0) {
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (long t : times) {
        first = Math.min(first, t);
        last = Math.max(last, t);
      }
      Instant a = Instant.ofEpochMilli(first);
      Instant b = Instant.ofEpochMilli(last);
      String end = first == last ? "" : "  –  " + (DATE.format(a).equals(DATE.format(b)) ? HMS.format(b) : DATE_HMS.format(b));
      String range = DATE_HMS.format(a) + end + " UTC";
      String info = duration(last - first) + "  ·  " + times.length + (times.length == 1 ? " sample" : " samples");
      g.setFont(SUBTITLE_FONT);
      FontMetrics fm = g.getFontMetrics();
      rightW = Math.max(fm.stringWidth(range), fm.stringWidth(info));
      g.setColor(TEXT);
      g.drawString(range, WIDTH - 20 - fm.stringWidth(range), 29);
      g.setColor(TEXT_DIM);
      g.drawString(info, WIDTH - 20 - fm.stringWidth(info), 49);
    }

    int maxW = WIDTH - textX - 20 - (rightW > 0 ? rightW + 40 : 0);
    g.setFont(HEADER_FONT);
    g.setColor(TEXT);
    g.drawString(ellipsize(title, g.getFontMetrics(), maxW), textX, subtitle.isEmpty() ? 39 : 30);
    if (!subtitle.isEmpty()) {
      g.setFont(SUBTITLE_FONT);
      g.setColor(TEXT_DIM);
      g.drawString(ellipsize(subtitle, g.getFontMetrics(), maxW), textX, 50);
    }
  }

  private static String duration(long millis) {
    long s = Math.max(0, millis) / 1000;
    if (s >= 2 * 86_400) {
      return (s / 86_400) + "d " + (s % 86_400) / 3600 + "h";
    }
    if (s >= 3600) {
      return (s / 3600) + "h " + (s % 3600) / 60 + "m";
    }
    if (s >= 60) {
      return (s / 60) + "m " + (s % 60) + "s";
    }
    return s + "s";
  }

  // ---- panels ----

  private static void fillPanel(Graphics2D g, int x, int y, int w, int h, String title) {
    g.setColor(PANEL_BG);
    g.fill(panelShape(x, y, w, h));
    g.setFont(TITLE_FONT);
    g.setColor(TEXT);
    g.drawString(ellipsize(title, g.getFontMetrics(), w - 2 * PAD), x + PAD, y + 23);
  }

  /** Border last, so sparklines and fills never paint over it. */
  private static void strokeBorder(Graphics2D g, int x, int y, int w, int h) {
    g.setColor(BORDER);
    g.setStroke(new BasicStroke(1f));
    g.draw(new RoundRectangle2D.Double(x + 0.5, y + 0.5, w - 1, h - 1, 6, 6));
  }

  private static Shape panelShape(int x, int y, int w, int h) {
    return new RoundRectangle2D.Double(x, y, w, h, 6, 6);
  }

  private static void drawNoData(Graphics2D g, int x, int y, int w, int h) {
    g.setFont(NO_DATA_FONT);
    g.setColor(TEXT_DIM);
    FontMetrics fm = g.getFontMetrics();
    String s = "No data";
    g.drawString(s, x + (w - fm.stringWidth(s)) / 2, y + TITLE_H / 2 + (h + fm.getAscent() - fm.getDescent()) / 2);
  }

  private static void drawTimeSeries(Graphics2D g, Panel p, XDomain xd, int x, int y, int w, int h) {
    fillPanel(g, x, y, w, h, p.title());
    double[] range = valueRange(p.series(), xd);
    if (Double.isNaN(range[0])) {
      drawNoData(g, x, y, w, h);
      strokeBorder(g, x, y, w, h);
      return;
    }
    int innerX = x + PAD;
    int innerW = w - 2 * PAD;

    int maxLegendRows = clamp((h - TITLE_H - PAD - X_LABEL_H - MIN_PLOT_H) / LEGEND_LINE_H, 0, 3);
    Legend legend = layoutLegend(g, p, xd, innerW, maxLegendRows);
    int legendH = legend.rows() == 0 ? 0 : legend.rows() * LEGEND_LINE_H + 2;

    int plotTop = y + TITLE_H;
    int plotBottom = y + h - PAD - legendH - X_LABEL_H;
    int plotH = Math.max(1, plotBottom - plotTop);
    YScale ys = YScale.of(range[0], range[1], p.unit(), clamp(plotH / 40, 2, 5));

    // Y labels are measured first because their width decides where the plot starts.
    g.setFont(AXIS_FONT);
    FontMetrics fm = g.getFontMetrics();
    List<Double> ticks = ys.ticks();
    List<String> labels = new ArrayList<>();
    int labelW = 0;
    for (double t : ticks) {
      String s = format(t, p.unit(), ys.step(), true).text();
      labels.add(s);
      labelW = Math.max(labelW, fm.stringWidth(s));
    }
    int plotX = innerX + Math.min(labelW, innerW / 3) + 8; // a pathological label must not eat the plot
    int plotW = Math.max(1, innerX + innerW - plotX);

    for (int i = 0; i < ticks.size(); i++) {
      int ty = (int) Math.round(ys.map(ticks.get(i), plotTop, plotH));
      g.setColor(GRID);
      hLine(g, plotX, plotX + plotW, ty);
      g.setColor(TEXT_DIM);
      g.drawString(labels.get(i), plotX - 8 - fm.stringWidth(labels.get(i)), ty + (fm.getAscent() - fm.getDescent()) / 2);
    }
    drawTimeAxis(g, xd, plotX, plotTop, plotW, plotH, innerX, innerX + innerW);
    drawLines(g, p.series(), xd, ys, plotX, plotTop, plotW, plotH);
    drawLegend(g, legend, innerX, y + h - PAD - legend.rows() * LEGEND_LINE_H);
    strokeBorder(g, x, y, w, h);
  }

  private static void drawTimeAxis(Graphics2D g, XDomain xd, int plotX, int plotTop, int plotW, int plotH,
                  int minX, int maxX) {
    if (!xd.hasTimes()) {
      return; // sample indices carry no meaning worth labelling
    }
    g.setFont(AXIS_FONT);
    FontMetrics fm = g.getFontMetrics();
    int labelW = fm.stringWidth("00:00:00");
    int maxLabels = Math.max(2, Math.min(6, plotW / (labelW + 20)));
    long lo = (long) Math.ceil(xd.lo());
    long hi = (long) Math.floor(xd.hi());
    long span = Math.max(1, hi - lo);
    long step = 0;
    for (long s : TIME_STEPS) {
      if (span / s + 1 <= maxLabels) {
        step = s;
        break;
      }
    }
    if (step == 0) { // spans of many days: whole days
      step = (span / (maxLabels - 1) / 86_400_000L + 1) * 86_400_000L;
    }
    // Clock times repeat across days, so day-sized steps are labelled with the date instead.
    DateTimeFormatter labelFormat = step >= 86_400_000L ? MONTH_DAY : HMS;
    int baseline = plotTop + plotH + 8 + fm.getAscent();
    List<String> texts = new ArrayList<>();
    List<int[]> spans = new ArrayList<>(); // {left, right}
    for (long t = Math.floorDiv(lo + step - 1, step) * step; t <= hi; t += step) {
      int xi = (int) Math.round(plotX + xd.frac(t) * plotW);
      g.setColor(GRID);
      vLine(g, xi, plotTop, plotTop + plotH);
      String s = labelFormat.format(Instant.ofEpochMilli(t));
      int sw = fm.stringWidth(s);
      // Nudge labels at the panel edges inwards by up to half their width; hide them rather than clip beyond that.
      int left = Math.max(minX, Math.min(maxX - sw, xi - sw / 2));
      if (Math.abs(left - (xi - sw / 2)) <= sw / 2 + 2) {
        texts.add(s);
        spans.add(new int[] {left, left + sw});
      }
    }
    // A nudged edge label may now crowd its neighbour; the edge one yields, interior ticks stay regular.
    int n = spans.size();
    if (n >= 2 && spans.get(n - 1)[0] < spans.get(n - 2)[1] + 24) {
      texts.remove(n - 1);
      spans.remove(n - 1);
    }
    if (spans.size() >= 2 && spans.get(1)[0] < spans.get(0)[1] + 24) {
      texts.remove(0);
      spans.remove(0);
    }
    g.setColor(TEXT_DIM);
    for (int i = 0; i < texts.size(); i++) {
      g.drawString(texts.get(i), spans.get(i)[0], baseline);
    }
  }

  private static void drawLines(Graphics2D g, List<Series> series, XDomain xd, YScale ys,
                 int plotX, int plotTop, int plotW, int plotH) {
    Shape oldClip = g.getClip();
    // Vertical slack so lines and points sitting exactly on the top/bottom tick are not cut in half.
    g.clip(new Rectangle2D.Double(plotX - 3, plotTop - 4, plotW + 6, plotH + 8));
    double baseY = ys.map(Math.max(ys.lo(), Math.min(ys.hi(), 0)), plotTop, plotH);
    // Many overlapping fills turn into mud, so fade them more when there are many lines.
    float fillAlpha = series.size() > 3 ? 0.10f : 0.20f;

    List<List<double[]>> runsPerSeries = new ArrayList<>();
    for (Series s : series) {
      runsPerSeries.add(runs(s.values, xd, ys, plotX, plotTop, plotW, plotH));
    }
    for (int i = 0; i < series.size(); i++) { // all fills first so no fill covers another series' line
      Color c = PALETTE.get(i % PALETTE.size());
      g.setPaint(new GradientPaint(0, plotTop, alpha(c, fillAlpha), 0, plotTop + plotH, alpha(c, 0.01f)));
      for (double[] run : runsPerSeries.get(i)) {
        if (run.length >= 4) {
          Path2D area = path(run);
          area.lineTo(run[run.length - 2], baseY);
          area.lineTo(run[0], baseY);
          area.closePath();
          g.fill(area);
        }
      }
    }
    g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (int i = 0; i < series.size(); i++) {
      g.setColor(PALETTE.get(i % PALETTE.size()));
      for (double[] run : runsPerSeries.get(i)) {
        if (run.length >= 4) {
          g.draw(path(run));
        } else { // an isolated sample has no line to draw; show it as a point like Grafana does
          g.fill(new Ellipse2D.Double(run[0] - 3, run[1] - 3, 6, 6));
        }
      }
    }
    g.setClip(oldClip);
  }

  /** Splits a series at non-finite values into runs of pixel coordinates {x0,y0,x1,y1,...}. */
  private static List<double[]> runs(double[] v, XDomain xd, YScale ys, int plotX, int plotTop, int plotW, int plotH) {
    List<double[]> out = new ArrayList<>();
    int n = xd.usable(v);
    int i = 0;
    while (i < n) {
      if (!Double.isFinite(v[i])) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && Double.isFinite(v[i])) {
        i++;
      }
      double[] run = new double[(i - start) * 2];
      for (int k = start; k < i; k++) {
        run[(k - start) * 2] = plotX + xd.frac(xd.at(k)) * plotW;
        run[(k - start) * 2 + 1] = ys.map(v[k], plotTop, plotH);
      }
      out.add(run);
    }
    return out;
  }

  private static Path2D path(double[] run) {
    Path2D.Double p = new Path2D.Double();
    p.moveTo(run[0], run[1]);
    for (int k = 2; k < run.length; k += 2) {
      p.lineTo(run[k], run[k + 1]);
    }
    return p;
  }

  // ---- legend ----

  private record LegendItem(Color color, String name, String value, int x, int row) {}

  private record Legend(List<LegendItem> items, String more, int moreX, int rows) {}

  private static final int SWATCH_W = 14;
  private static final int ITEM_GAP = 20;

  /** Flow layout of legend items; overflow beyond maxRows collapses into a trailing "+N more". */
  private static Legend layoutLegend(Graphics2D g, Panel p, XDomain xd, int maxW, int maxRows) {
    List<Series> series = p.series();
    if (maxRows == 0 || series.isEmpty()) {
      return new Legend(List.of(), "", 0, 0);
    }
    FontMetrics nameFm = g.getFontMetrics(LEGEND_FONT);
    FontMetrics valueFm = g.getFontMetrics(LEGEND_VALUE_FONT);
    List<LegendItem> placed = new ArrayList<>();
    int cx = 0;
    int row = 0;
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      String value = format(lastFinite(s.values, xd.usable(s.values)), p.unit(), 0, false).text();
      int fixed = SWATCH_W + 6 + 8 + valueFm.stringWidth(value);
      String name = ellipsize(s.name().isEmpty() ? "series " + (i + 1) : s.name(), nameFm, Math.max(20, maxW - fixed));
      int w = fixed + nameFm.stringWidth(name);
      if (cx > 0 && cx + w > maxW) {
        row++;
        cx = 0;
      }
      if (row >= maxRows) {
        break;
      }
      placed.add(new LegendItem(PALETTE.get(i % PALETTE.size()), name, value, cx, row));
      cx += w + ITEM_GAP;
    }
    int hidden = series.size() - placed.size();
    String more = "";
    int moreX = 0;
    while (hidden > 0) {
      more = "+" + hidden + " more";
      LegendItem lastItem = placed.get(placed.size() - 1);
      int end = lastItem.x() + SWATCH_W + 6 + nameFm.stringWidth(lastItem.name()) + 8
          + valueFm.stringWidth(lastItem.value()) + ITEM_GAP;
      if (end + nameFm.stringWidth(more) <= maxW || placed.size() == 1) {
        moreX = end;
        break;
      }
      placed.remove(placed.size() - 1); // make room for the "+N more" marker
      hidden++;
    }
    int rows = placed.isEmpty() ? 0 : placed.get(placed.size() - 1).row() + 1;
    return new Legend(List.copyOf(placed), more, moreX, rows);
  }

  private static void drawLegend(Graphics2D g, Legend legend, int x, int top) {
    FontMetrics fm = g.getFontMetrics(LEGEND_FONT);
    int textOffset = (LEGEND_LINE_H + fm.getAscent() - fm.getDescent()) / 2;
    for (LegendItem it : legend.items()) {
      int ly = top + it.row() * LEGEND_LINE_H;
      int ix = x + it.x();
      g.setColor(it.color());
      g.fill(new RoundRectangle2D.Double(ix, ly + LEGEND_LINE_H / 2.0 - 2, SWATCH_W, 4, 3, 3));
      ix += SWATCH_W + 6;
      g.setFont(LEGEND_FONT);
      g.setColor(TEXT);
      g.drawString(it.name(), ix, ly + textOffset);
      ix += fm.stringWidth(it.name()) + 8;
      g.setFont(LEGEND_VALUE_FONT);
      g.drawString(it.value(), ix, ly + textOffset);
    }
    if (!legend.more().isEmpty()) {
      g.setFont(LEGEND_FONT);
      g.setColor(TEXT_DIM);
      g.drawString(legend.more(), x + legend.moreX(), top + (legend.rows() - 1) * LEGEND_LINE_H + textOffset);
    }
  }

  // ---- stat ----

  private static void drawStat(Graphics2D g, Panel p, XDomain xd, int x, int y, int w, int h) {
    fillPanel(g, x, y, w, h, p.title());
    Series s = p.series().isEmpty() ? null : p.series().get(0);
    double last = s == null ? Double.NaN : lastFinite(s.values, xd.usable(s.values));
    if (Double.isNaN(last)) {
      drawNoData(g, x, y, w, h);
      strokeBorder(g, x, y, w, h);
      return;
    }
    Color color = PALETTE.get(0); // Grafana's default stat threshold colour is the base green
    int finite = 0;
    for (int i = 0, n = xd.usable(s.values); i < n; i++) {
      finite += Double.isFinite(s.values[i]) ? 1 : 0;
    }
    // Without a sparkline (fewer than 2 points) the number is centred in the whole panel body.
    int sparkH = finite >= 2 ? (int) (h * 0.36) : PAD;
    int valueTop = y + TITLE_H - 6;
    int valueBottom = y + h - sparkH;

    Quantity q = format(last, p.unit(), 0, false);
    float size = (float) Math.min(56, (valueBottom - valueTop) * 0.8);
    Font numFont;
    Font unitFont;
    int totalW;
    int gap;
    do { // shrink until the number fits the panel width
      numFont = new Font(Font.SANS_SERIF, Font.BOLD, Math.round(size));
      unitFont = new Font(Font.SANS_SERIF, Font.BOLD, Math.round(size * 0.55f));
      gap = q.suffix().isEmpty() ? 0 : q.suffix().equals("%") ? 2 : Math.round(size * 0.22f);
      totalW = g.getFontMetrics(numFont).stringWidth(q.number()) + gap
          + (q.suffix().isEmpty() ? 0 : g.getFontMetrics(unitFont).stringWidth(q.suffix()));
      size -= 2;
    } while (totalW > w - 2 * PAD && size > 10);

    FontMetrics nfm = g.getFontMetrics(numFont);
    // Cap height ~ 0.72 em: centre the digits, not the font box, in the value area.
    int baseline = valueTop + (valueBottom - valueTop + Math.round(numFont.getSize() * 0.72f)) / 2;
    int vx = x + (w - totalW) / 2;
    g.setColor(color);
    g.setFont(numFont);
    g.drawString(q.number(), vx, baseline);
    if (!q.suffix().isEmpty()) {
      g.setFont(unitFont);
      g.drawString(q.suffix(), vx + nfm.stringWidth(q.number()) + gap, baseline);
    }

    if (finite >= 2) {
      drawSparkline(g, s, xd, color, x, y, w, h, sparkH);
    }
    strokeBorder(g, x, y, w, h);
  }

  /** Edge-to-edge area sparkline along the panel bottom, clipped to the rounded panel shape (Grafana style). */
  private static void drawSparkline(Graphics2D g, Series s, XDomain xd, Color color, int x, int y, int w, int h, int sparkH) {
    double[] range = valueRange(List.of(s), xd);
    double min = range[0];
    double max = range[1];
    if (max == min) { // flat series: draw a centred line instead of dividing by zero
      min -= 1;
      max += 1;
    }
    // Min/max scaling (not zero-based): a sparkline shows shape, the big number shows magnitude.
    YScale ys = new YScale(min, max, 0);
    int top = y + h - sparkH + 4;
    int plotH = y + h - top;
    Shape oldClip = g.getClip();
    g.clip(panelShape(x, y, w, h));
    List<double[]> runs = runs(s.values, xd, ys, x, top, w, plotH);
    g.setPaint(new GradientPaint(0, top, alpha(color, 0.28f), 0, y + h, alpha(color, 0.03f)));
    for (double[] run : runs) {
      if (run.length >= 4) {
        Path2D area = path(run);
        area.lineTo(run[run.length - 2], y + h);
        area.lineTo(run[0], y + h);
        area.closePath();
        g.fill(area);
      }
    }
    g.setColor(alpha(color, 0.9f));
    g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (double[] run : runs) {
      if (run.length >= 4) {
        g.draw(path(run));
      } else {
        g.fill(new Ellipse2D.Double(run[0] - 2, run[1] - 2, 4, 4));
      }
    }
    g.setClip(oldClip);
  }

  // ---- scales ----

  /** Maps sample index to x position; uses sample times when given, otherwise the index itself. */
  private record XDomain(long[] times, double lo, double hi) {
    static XDomain of(long[] times, List<Panel> panels) {
      if (times.length > 0) {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (long t : times) {
          lo = Math.min(lo, t);
          hi = Math.max(hi, t);
        }
        // A single instant gets a one-minute window so the point sits mid-plot with readable labels.
        return lo == hi ? new XDomain(times, lo - 30_000.0, hi + 30_000.0) : new XDomain(times, lo, hi);
      }
      int maxLen = 0;
      for (Panel p : panels) {
        for (Series s : p.series()) {
          maxLen = Math.max(maxLen, s.values.length);
        }
      }
      return maxLen <= 1 ? new XDomain(times, -0.5, 0.5) : new XDomain(times, 0, maxLen - 1);
    }

    boolean hasTimes() {
      return times.length > 0;
    }

    /** Samples beyond the time array (or without a time) are ignored rather than guessed. */
    int usable(double[] v) {
      return times.length == 0 ? v.length : Math.min(v.length, times.length);
    }

    double at(int i) {
      return times.length == 0 ? i : times[i];
    }

    double frac(double x) {
      return (x - lo) / (hi - lo);
    }
  }

  /** A value axis [lo, hi] with tick spacing step (step 0 = no ticks, used by sparklines). */
  private record YScale(double lo, double hi, double step) {
    static YScale of(double min, double max, String unit, int intervals) {
      // Zero is always on the axis so line heights stay proportional to the values (honest for benchmarks).
      min = Math.min(min, 0);
      max = Math.max(max, 0);
      if (max == min) {
        max = min + 1; // all-zero data
      }
      double step = switch (unit) {
        case "bytes" -> binaryStep((max - min) / (intervals + 1));
        case "ms" -> millisStep((max - min) / intervals);
        default -> decimalStep((max - min) / intervals);
      };
      double lo = Math.floor(min / step + 1e-9) * step;
      double hi = Math.ceil(max / step - 1e-9) * step;
      return new YScale(lo, Math.max(hi, lo + step), step);
    }

    List<Double> ticks() {
      List<Double> out = new ArrayList<>();
      long n = Math.round((hi - lo) / step);
      for (long k = 0; k <= n && k <= 20; k++) {
        double t = lo + k * step;
        out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t); // avoid "-0" from floating-point noise
      }
      return out;
    }

    double map(double v, double top, double height) {
      return top + height - (v - lo) / (hi - lo) * height;
    }
  }

  /** 1, 2, 2.5, 5 x 10^n: the steps people read without effort. */
  private static double decimalStep(double raw) {
    double exp = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / exp;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return nice * exp;
  }

  /** Sub-second: decimal steps; longer: clock steps (15 s, 1 min, 1 h...) so ticks read "30 s", "2 min", "1 h". */
  private static double millisStep(double raw) {
    if (raw < 1_000) {
      return decimalStep(raw);
    }
    for (long s : TIME_STEPS) {
      if (s >= raw) {
        return s;
      }
    }
    return decimalStep(raw / 3.6e6) * 3.6e6;
  }

  /** Powers of two within a KiB/MiB/GiB unit, so byte ticks land on 256 MiB, 512 MiB, 1 GiB... */
  private static double binaryStep(double raw) {
    if (raw <= 1) {
      return 1;
    }
    int k = (int) Math.min(5, Math.floor(Math.log(raw) / Math.log(1024)));
    double base = Math.pow(1024, k);
    return Math.pow(2, Math.ceil(Math.log(raw / base) / Math.log(2) - 1e-9)) * base;
  }

  /** {min, max} over all finite, usable values, or {NaN, NaN} when there are none. */
  private static double[] valueRange(List<Series> series, XDomain xd) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0, n = xd.usable(s.values); i < n; i++) {
        if (Double.isFinite(s.values[i])) {
          min = Math.min(min, s.values[i]);
          max = Math.max(max, s.values[i]);
        }
      }
    }
    return min <= max ? new double[] {min, max} : new double[] {Double.NaN, Double.NaN};
  }

  private static double lastFinite(double[] v, int n) {
    for (int i = n - 1; i >= 0; i--) {
      if (Double.isFinite(v[i])) {
        return v[i];
      }
    }
    return Double.NaN;
  }

  // ---- formatting ----

  /** A formatted value split into number and unit, so the stat panel can draw the unit smaller. */
  private record Quantity(String number, String suffix) {
    String text() {
      return suffix.isEmpty() ? number : suffix.equals("%") ? number + "%" : number + " " + suffix;
    }
  }

  /**
   * Formats {@code v} in {@code unit}. With {@code step > 0} (axis ticks) the precision follows the tick
   * spacing; with {@code step == 0} it shows about three significant digits. Axis labels omit rate units
   * ("1.2K") to stay narrow; legend and stat values keep them ("1.2K ops/s").
   */
  private static Quantity format(double v, String unit, double step, boolean axis) {
    if (!Double.isFinite(v)) {
      return new Quantity("–", "");
    }
    double a = Math.abs(v);
    if (a >= 1e21 || (a > 0 && a < 1e-6)) { // beyond every unit ladder: scientific keeps labels short
      String n = scientific(v);
      return switch (unit) {
        case "bytes" -> new Quantity(n, "B");
        case "ms", "percent" -> new Quantity(n, unit.equals("ms") ? "ms" : "%");
        case "ratio", "count", "" -> new Quantity(n, "");
        default -> new Quantity(n, axis ? "" : unit);
      };
    }
    return switch (unit) {
      case "bytes" -> scaled(v, step, BYTES, false);
      case "ms" -> scaled(v, step, MILLIS, false);
      case "percent" -> new Quantity(number(v, step), "%");
      case "ratio" -> new Quantity(number(v, step), "");
      default -> {
        Quantity q = scaled(v, step, SI, true);
        yield axis || unit.isEmpty() || unit.equals("count") ? q : new Quantity(q.number(), unit);
      }
    };
  }

  private static Quantity scaled(double v, double step, List<Rung> ladder, boolean attachLabel) {
    Rung r = rung(ladder, Math.abs(v));
    String n = number(v / r.factor(), step / r.factor());
    // Rounding can carry into the next unit (999.7 ms -> "1000 ms"); re-pick on the rounded magnitude.
    Rung carried = rung(ladder, Math.abs(Double.parseDouble(n)) * r.factor());
    if (carried.factor() > r.factor()) {
      r = carried;
      n = number(v / r.factor(), step / r.factor());
    }
    return attachLabel ? new Quantity(n + r.label(), "") : new Quantity(n, r.label());
  }

  /** Largest rung not exceeding a; zero uses the factor-1 rung ("0 ms", not "0 µs"). */
  private static Rung rung(List<Rung> ladder, double a) {
    Rung pick = ladder.get(0);
    for (Rung r : ladder) {
      if (a == 0 ? r.factor() == 1 : a >= r.factor()) {
        pick = r;
      }
    }
    return pick;
  }

  private static String number(double x, double step) {
    int decimals;
    if (step > 0) {
      decimals = clamp((int) Math.ceil(-Math.log10(step) - 1e-9) + 1, 0, 9);
    } else {
      double a = Math.abs(x);
      decimals = a == 0 ? 0 : clamp(2 - (int) Math.floor(Math.log10(a)), 0, 9);
    }
    String s = String.format(Locale.ROOT, "%." + decimals + "f", x);
    if (s.indexOf('.') >= 0) { // "1.50" -> "1.5", "2.00" -> "2"
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s.equals("-0") ? "0" : s;
  }

  private static String scientific(double x) {
    String[] parts = String.format(Locale.ROOT, "%.2e", x).split("e");
    String mantissa = parts[0].replaceAll("0+$", "").replaceAll("\\.$", "");
    return mantissa + "e" + Integer.parseInt(parts[1]); // "4.8e302", "-1.25e-7"
  }

  // ---- helpers ----

  private static String ellipsize(String s, FontMetrics fm, int maxW) {
    if (fm.stringWidth(s) <= maxW) {
      return s;
    }
    int end = s.length();
    while (end > 0 && fm.stringWidth(s.substring(0, end) + "…") > maxW) {
      end--;
    }
    return end == 0 ? "" : s.substring(0, end).stripTrailing() + "…";
  }

  private static void hLine(Graphics2D g, int x0, int x1, int y) {
    g.setStroke(new BasicStroke(1f));
    g.draw(new Line2D.Double(x0, y + 0.5, x1, y + 0.5));
  }

  private static void vLine(Graphics2D g, int x, int y0, int y1) {
    g.setStroke(new BasicStroke(1f));
    g.draw(new Line2D.Double(x + 0.5, y0, x + 0.5, y1));
  }

  private static Color alpha(Color c, float a) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), Math.round(a * 255));
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

}
