import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws latency percentiles against the offered rate from the throughput steps' CSV
 * (header: offered,achieved,p50,p99,p999,ko) into a PNG.
 *
 * usage: java -cp 'tools/target/lib/*' lib/Plot.java <steps.csv> <out.png> <title>
 */
public class Plot {
    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        List<Double> offered = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> p999 = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            offered.add(Double.parseDouble(f[0]));
            p50.add(Math.max(0.1, Double.parseDouble(f[2])));
            p99.add(Math.max(0.1, Double.parseDouble(f[3])));
            p999.add(Math.max(0.1, Double.parseDouble(f[4])));
        }
        XYChart chart = new XYChartBuilder().width(900).height(520).title(args[2])
                .xAxisTitle("offered bookings per second (hold + confirm)").yAxisTitle("latency of a booking, ms (log)")
                .build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        for (Object[] s : new Object[][] { { "p50", p50 }, { "p99", p99 }, { "p99.9", p999 } }) {
            @SuppressWarnings("unchecked")
            XYSeries series = chart.addSeries((String) s[0], offered, (List<Double>) s[1]);
            series.setMarker(SeriesMarkers.CIRCLE);
        }
        BitmapEncoder.saveBitmap(chart, args[1], BitmapEncoder.BitmapFormat.PNG);
    }
}
