//! A small line chart of percentages, as SVG, rendered on the server. No script, no styles
//! beyond presentation attributes, every label escaped.

/// One point: a label for the x axis and a percentage (or a gap).
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub label: String,
    pub percent: Option<f64>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 34.0;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An SVG line chart, 0–100% on the y axis, with an accessible title.
pub fn line_chart(title: &str, points: &[Point]) -> String {
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let step = if points.len() > 1 {
        plot_width / (points.len() - 1) as f64
    } else {
        0.0
    };
    let x = |index: usize| LEFT + step * index as f64;
    let y = |percent: f64| TOP + plot_height * (1.0 - percent.clamp(0.0, 100.0) / 100.0);

    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title" class="chart"><title id="chart-title">{}</title>"#,
        escape(title)
    );
    for grid in [0.0, 25.0, 50.0, 75.0, 100.0] {
        svg.push_str(&format!(
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#d5dbe1" stroke-width="1"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="#4a5360">{grid}%</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y(grid) + 4.0,
            y = y(grid)
        ));
    }
    // Consecutive known points are joined; a gap breaks the line.
    let mut segment: Vec<String> = Vec::new();
    let flush = |segment: &mut Vec<String>, svg: &mut String| {
        if segment.len() > 1 {
            svg.push_str(&format!(
                r##"<polyline fill="none" stroke="#1f4e79" stroke-width="2.5" points="{}"/>"##,
                segment.join(" ")
            ));
        }
        segment.clear();
    };
    for (index, point) in points.iter().enumerate() {
        match point.percent {
            Some(percent) => segment.push(format!("{:.1},{:.1}", x(index), y(percent))),
            None => flush(&mut segment, &mut svg),
        }
    }
    flush(&mut segment, &mut svg);
    for (index, point) in points.iter().enumerate() {
        if let Some(percent) = point.percent {
            svg.push_str(&format!(
                r##"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="#1f4e79"><title>{}: {percent:.0}%</title></circle>"##,
                x(index),
                y(percent),
                escape(&point.label)
            ));
        }
        svg.push_str(&format!(
            r##"<text x="{:.1}" y="{}" font-size="11" text-anchor="middle" fill="#4a5360">{}</text>"##,
            x(index),
            HEIGHT - 12.0,
            escape(&point.label)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(values: &[Option<f64>]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| Point {
                label: format!("M{i}"),
                percent: *v,
            })
            .collect()
    }

    #[test]
    fn the_chart_is_plain_svg_with_a_title_and_every_label() {
        let svg = line_chart(
            "Completion <by month>",
            &points(&[Some(50.0), Some(75.0), Some(100.0)]),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"chart-title\">Completion &lt;by month&gt;</title>"));
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains(">M2</text>"));
        assert!(!svg.contains("<script") && !svg.contains("style="));
    }

    #[test]
    fn points_sit_at_their_percentage() {
        let svg = line_chart("t", &points(&[Some(0.0), Some(100.0)]));
        assert!(svg.contains(r#"points="44.0,186.0 624.0,16.0""#), "{svg}");
    }

    #[test]
    fn a_month_without_data_breaks_the_line() {
        let svg = line_chart(
            "t",
            &points(&[Some(10.0), Some(20.0), None, Some(30.0), Some(40.0)]),
        );
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 4);
    }
}
