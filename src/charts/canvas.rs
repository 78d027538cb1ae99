//! The drawing surface: a thin layer over plotters' SVG and bitmap backends in *logical*
//! pixels, so one layout draws both files.
//!
//! The logical canvas is the chart size divided by its [zoom](ChartSize::zoom) (1 at the
//! default 1600 × 1000): layouts are computed in logical pixels with fixed type sizes, and the
//! files are drawn zoomed to the chosen size. The SVG is drawn at the chosen size. The PNG is
//! drawn at [`SUPERSAMPLE`] times that size and averaged down, which anti-aliases the lines
//! and markers plotters' bitmap backend draws with hard edges; it is then encoded as 8-bit RGB
//! with the `png` crate.

use super::{ChartError, ChartFile, ChartSize};
use plotters::backend::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use plotters::element::{Circle, PathElement, Polygon, Rectangle};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, FontTransform, RGBAColor, ShapeStyle, TextStyle};

/// Font family every text style uses (registered in [`super::register_fonts`]).
pub const FAMILY: &str = "sans-serif";
/// The PNG is drawn this many times larger and averaged down.
const SUPERSAMPLE: u32 = 2;

/// A point in logical pixels.
pub type Point = (f64, f64);

/// A colour with opacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colour {
    r: u8,
    g: u8,
    b: u8,
    a: f64,
}

impl Colour {
    /// An opaque colour from `0xRRGGBB`.
    pub const fn hex(rgb: u32) -> Colour {
        Colour { r: (rgb >> 16) as u8, g: (rgb >> 8) as u8, b: rgb as u8, a: 1.0 }
    }

    /// The same colour with opacity `a`.
    pub const fn alpha(self, a: f64) -> Colour {
        Colour { a, ..self }
    }

    /// A darker version for text on white when the colour itself is light (orange, sky blue
    /// and yellow of the palette would be hard to read).
    pub fn for_text(self) -> Colour {
        let luminance =
            (0.2126 * f64::from(self.r) + 0.7152 * f64::from(self.g) + 0.0722 * f64::from(self.b)) / 255.0;
        if luminance < 0.4 {
            return self;
        }
        let k = 0.4 / luminance;
        let dark = |c: u8| (f64::from(c) * k).round() as u8;
        Colour { r: dark(self.r), g: dark(self.g), b: dark(self.b), a: self.a }
    }

    fn rgba(self) -> RGBAColor {
        RGBAColor(self.r, self.g, self.b, self.a)
    }
}

/// White.
pub const WHITE: Colour = Colour::hex(0xFFFFFF);

/// A font size (logical pixels, plotters' convention) and weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Font {
    /// Size.
    pub size: f64,
    /// Bold or regular.
    pub bold: bool,
}

impl Font {
    /// Regular weight.
    pub const fn regular(size: f64) -> Font {
        Font { size, bold: false }
    }

    /// Bold weight.
    pub const fn bold(size: f64) -> Font {
        Font { size, bold: true }
    }

    /// The same weight at another size.
    pub const fn sized(self, size: f64) -> Font {
        Font { size, ..self }
    }

    fn desc(self, k: f64) -> FontDesc<'static> {
        let style = if self.bold { FontStyle::Bold } else { FontStyle::Normal };
        FontDesc::new(FontFamily::Name(FAMILY), self.size * k, style)
    }

    /// For the SVG backend, which writes `font-size` as size / 1.24 while the bitmap backend
    /// scales the font's full height (ascent − descent, 2789/2048 em for Noto Sans) to the
    /// size: scaled so that text has the same em in both files.
    fn svg_desc(self, k: f64) -> FontDesc<'static> {
        self.sized(self.size * 1.24 * 2048.0 / 2789.0).desc(k)
    }
}

/// Width of `text` in logical pixels (measured at 8× and scaled down, for sub-pixel precision).
pub fn text_width(text: &str, font: Font) -> Result<f64, ChartError> {
    let (w, _) =
        font.desc(8.0).box_size(text).map_err(|e| ChartError(format!("text layout failed: {e:?}")))?;
    Ok(f64::from(w) / 8.0)
}

/// Height of a line of text in logical pixels (cap height to descender, roughly).
pub fn text_height(font: Font) -> f64 {
    font.size / 1.24
}

/// Horizontal anchor of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Starts at the point.
    Left,
    /// Centred on the point.
    Center,
    /// Ends at the point.
    Right,
}

/// Vertical anchor of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Valign {
    /// Top at the point.
    Top,
    /// Middle at the point.
    Middle,
    /// Bottom (baseline region) at the point.
    Bottom,
}

/// Line dash pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// Solid.
    Solid,
    /// Dashes.
    Dashed,
    /// Dots.
    Dotted,
    /// Dash, dot.
    Chain,
    /// Long dashes.
    Long,
    /// Dash, dot, dot.
    DoubleChain,
    /// Long dash, short dash.
    LongShort,
    /// Dots far apart.
    SparseDots,
}

impl Dash {
    /// Lengths (logical pixels) of the pattern: on, off, on, off …; empty when solid.
    pub fn pattern(self) -> &'static [f64] {
        match self {
            Dash::Solid => &[],
            Dash::Dashed => &[14.0, 7.0],
            Dash::Dotted => &[4.0, 5.0],
            Dash::Chain => &[14.0, 5.0, 3.0, 5.0],
            Dash::Long => &[28.0, 8.0],
            Dash::DoubleChain => &[14.0, 4.0, 3.0, 4.0, 3.0, 4.0],
            Dash::LongShort => &[24.0, 5.0, 8.0, 5.0],
            Dash::SparseDots => &[3.0, 11.0],
        }
    }
}

/// The pieces of `points` that are drawn with `pattern` (on, off, … lengths), the pattern
/// running on across corners.
pub fn dash_pieces(points: &[Point], pattern: &[f64]) -> Vec<Vec<Point>> {
    let total: f64 = pattern.iter().sum();
    if points.len() < 2 || total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return vec![points.to_vec()];
    }
    let mut pieces = Vec::new();
    let mut current: Vec<Point> = Vec::new();
    // Index in the pattern and length left in that entry.
    let (mut i, mut left) = (0usize, pattern[0]);
    for w in points.windows(2) {
        let ((ax, ay), (bx, by)) = (w[0], w[1]);
        let len = (bx - ax).hypot(by - ay);
        let at =
            |t: f64| if len > 0.0 { (ax + (bx - ax) * t / len, ay + (by - ay) * t / len) } else { (ax, ay) };
        let mut t = 0.0;
        if i % 2 == 0 && current.is_empty() {
            current.push((ax, ay));
        }
        while len - t >= left {
            t += left;
            if i % 2 == 0 {
                current.push(at(t));
                pieces.push(std::mem::take(&mut current));
            } else {
                current.push(at(t));
            }
            i = (i + 1) % pattern.len();
            left = pattern[i];
        }
        left -= len - t;
        if i % 2 == 0 {
            current.push((bx, by));
        }
    }
    if current.len() >= 2 && current.first() != current.last() {
        pieces.push(current);
    }
    pieces
}

/// Marker shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Disc.
    Circle,
    /// Square.
    Square,
    /// Triangle pointing up.
    TriangleUp,
    /// Diamond.
    Diamond,
    /// Triangle pointing down.
    TriangleDown,
    /// Pentagon.
    Pentagon,
    /// Five-pointed star.
    Star,
    /// Diagonal cross (×).
    Cross,
    /// Ring (a disc with a white centre).
    Ring,
}

/// A chart that can draw itself on a canvas.
pub trait Chart {
    /// Draws the whole chart (the canvas is already white).
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<DB>) -> Result<(), ChartError>;
}

/// A drawing surface in logical pixels.
pub struct Canvas<DB: DrawingBackend> {
    area: DrawingArea<DB, Shift>,
    /// Device pixels per logical pixel.
    k: f64,
    /// Logical width and height.
    size: (f64, f64),
    /// Drawing an SVG (text sizes are written, not rasterised).
    svg: bool,
}

fn failed<E: std::error::Error>(e: E) -> ChartError {
    ChartError(e.to_string())
}

impl<DB: DrawingBackend> Canvas<DB> {
    /// Logical width.
    pub fn width(&self) -> f64 {
        self.size.0
    }

    /// Logical height.
    pub fn height(&self) -> f64 {
        self.size.1
    }

    fn font(&self, font: Font) -> FontDesc<'static> {
        if self.svg { font.svg_desc(self.k) } else { font.desc(self.k) }
    }

    fn px(&self, (x, y): Point) -> (i32, i32) {
        ((x * self.k).round() as i32, (y * self.k).round() as i32)
    }

    fn pxs(&self, points: &[Point]) -> Vec<(i32, i32)> {
        points.iter().map(|&p| self.px(p)).collect()
    }

    fn stroke(&self, colour: Colour, width: f64) -> ShapeStyle {
        ShapeStyle {
            color: colour.rgba(),
            filled: false,
            stroke_width: ((width * self.k).round() as u32).max(1),
        }
    }

    fn fill(&self, colour: Colour) -> ShapeStyle {
        ShapeStyle { color: colour.rgba(), filled: true, stroke_width: 0 }
    }

    /// A polyline.
    pub fn line(&self, points: &[Point], colour: Colour, width: f64) -> Result<(), ChartError> {
        self.area.draw(&PathElement::new(self.pxs(points), self.stroke(colour, width))).map_err(failed)
    }

    /// A polyline with a dash pattern.
    pub fn dashed(&self, points: &[Point], colour: Colour, width: f64, dash: Dash) -> Result<(), ChartError> {
        for piece in dash_pieces(points, dash.pattern()) {
            self.line(&piece, colour, width)?;
        }
        Ok(())
    }

    /// A filled polygon.
    pub fn polygon(&self, points: &[Point], colour: Colour) -> Result<(), ChartError> {
        self.area.draw(&Polygon::new(self.pxs(points), self.fill(colour))).map_err(failed)
    }

    /// A filled rectangle.
    pub fn rect(&self, from: Point, to: Point, colour: Colour) -> Result<(), ChartError> {
        self.area.draw(&Rectangle::new([self.px(from), self.px(to)], self.fill(colour))).map_err(failed)
    }

    /// A filled disc.
    pub fn disc(&self, centre: Point, radius: f64, colour: Colour) -> Result<(), ChartError> {
        let r = ((radius * self.k).round() as i32).max(1);
        self.area.draw(&Circle::new(self.px(centre), r, self.fill(colour))).map_err(failed)
    }

    /// A filled marker of about `radius`, with a white halo so it stands out from lines and bands.
    pub fn marker(&self, centre: Point, shape: Shape, radius: f64, colour: Colour) -> Result<(), ChartError> {
        self.shape(centre, shape, radius + 1.8, WHITE)?;
        self.shape(centre, shape, radius, colour)
    }

    fn shape(&self, (x, y): Point, shape: Shape, r: f64, colour: Colour) -> Result<(), ChartError> {
        let poly = |offsets: &[Point]| -> Vec<Point> {
            offsets.iter().map(|(dx, dy)| (x + dx * r, y + dy * r)).collect()
        };
        match shape {
            Shape::Circle => self.disc((x, y), r, colour),
            Shape::Square => {
                self.polygon(&poly(&[(-0.9, -0.9), (0.9, -0.9), (0.9, 0.9), (-0.9, 0.9)]), colour)
            }
            Shape::TriangleUp => self.polygon(&poly(&[(0.0, -1.3), (1.2, 0.8), (-1.2, 0.8)]), colour),
            Shape::TriangleDown => self.polygon(&poly(&[(0.0, 1.3), (1.2, -0.8), (-1.2, -0.8)]), colour),
            Shape::Diamond => {
                self.polygon(&poly(&[(0.0, -1.3), (1.3, 0.0), (0.0, 1.3), (-1.3, 0.0)]), colour)
            }
            Shape::Pentagon => self.polygon(&poly(&star_points(5, 1.15, 1.15)), colour),
            Shape::Star => self.polygon(&poly(&star_points(5, 1.45, 0.62)), colour),
            Shape::Cross => {
                // Two bars of half-width 0.42 r crossing at right angles.
                let (a, b) = (1.15, 0.42);
                let c = b * std::f64::consts::FRAC_1_SQRT_2 * 2.0;
                let arm = [
                    (0.0, -c),
                    (a - c / 2.0, -a - c / 2.0),
                    (a + c / 2.0, -a + c / 2.0),
                    (c, 0.0),
                    (a + c / 2.0, a - c / 2.0),
                    (a - c / 2.0, a + c / 2.0),
                    (0.0, c),
                    (-a + c / 2.0, a + c / 2.0),
                    (-a - c / 2.0, a - c / 2.0),
                    (-c, 0.0),
                    (-a - c / 2.0, -a + c / 2.0),
                    (-a + c / 2.0, -a - c / 2.0),
                ];
                self.polygon(&poly(&arm), colour)
            }
            Shape::Ring => {
                self.disc((x, y), r * 1.05, colour)?;
                if colour != WHITE {
                    self.disc((x, y), r * 0.5, WHITE)?;
                }
                Ok(())
            }
        }
    }

    /// A line of text.
    pub fn text(
        &self,
        text: &str,
        at: Point,
        font: Font,
        colour: Colour,
        (align, valign): (Align, Valign),
    ) -> Result<(), ChartError> {
        let h = match align {
            Align::Left => HPos::Left,
            Align::Center => HPos::Center,
            Align::Right => HPos::Right,
        };
        let v = match valign {
            Valign::Top => VPos::Top,
            Valign::Middle => VPos::Center,
            Valign::Bottom => VPos::Bottom,
        };
        let rgba = colour.rgba();
        let style = TextStyle::from(self.font(font)).color(&rgba).pos(Pos::new(h, v));
        self.area.draw_text(text, &style, self.px(at)).map_err(failed)
    }

    /// A line of text turned a quarter anticlockwise (reading upwards), centred on `at`.
    pub fn text_up(&self, text: &str, at: Point, font: Font, colour: Colour) -> Result<(), ChartError> {
        let rgba = colour.rgba();
        let style = TextStyle::from(self.font(font).transform(FontTransform::Rotate270))
            .color(&rgba)
            .pos(Pos::new(HPos::Center, VPos::Center));
        self.area.draw_text(text, &style, self.px(at)).map_err(failed)
    }
}

/// The corners of a regular polygon (`outer` = `inner`) or a star with `n` points, the first
/// pointing up, for a radius of 1.
fn star_points(n: usize, outer: f64, inner: f64) -> Vec<Point> {
    let corners = if outer == inner { n } else { 2 * n };
    (0..corners)
        .map(|i| {
            let angle = std::f64::consts::TAU * i as f64 / corners as f64;
            let r = if i % 2 == 1 && corners > n { inner } else { outer };
            (r * angle.sin(), -r * angle.cos())
        })
        .collect()
}

/// Draws `chart` as `<stem>.svg` and `<stem>.png` at `size`.
pub fn render(stem: &str, chart: &impl Chart, size: ChartSize) -> Result<Vec<ChartFile>, ChartError> {
    let context = |e: ChartError| ChartError(format!("could not draw chart {stem}: {e}"));
    let svg = svg_bytes(chart, size).map_err(context)?;
    let png = png_bytes(chart, size).map_err(context)?;
    Ok(vec![
        ChartFile { name: format!("{stem}.svg"), bytes: svg },
        ChartFile { name: format!("{stem}.png"), bytes: png },
    ])
}

fn draw_on<DB: DrawingBackend>(canvas: Canvas<DB>, chart: &impl Chart) -> Result<(), ChartError> {
    canvas.rect((0.0, 0.0), canvas.size, WHITE)?;
    chart.draw(&canvas)?;
    canvas.area.present().map_err(failed)
}

/// A canvas of `size` over `area`, `device` device pixels per chart pixel.
fn canvas_of<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    size: ChartSize,
    device: f64,
    svg: bool,
) -> Canvas<DB> {
    let zoom = size.zoom();
    let logical = (f64::from(size.width) / zoom, f64::from(size.height) / zoom);
    Canvas { area, k: zoom * device, size: logical, svg }
}

fn svg_bytes(chart: &impl Chart, size: ChartSize) -> Result<Vec<u8>, ChartError> {
    let mut svg = String::new();
    let area = SVGBackend::with_string(&mut svg, (size.width, size.height)).into_drawing_area();
    draw_on(canvas_of(area, size, 1.0, true), chart)?;
    Ok(svg.into_bytes())
}

fn png_bytes(chart: &impl Chart, size: ChartSize) -> Result<Vec<u8>, ChartError> {
    let (w, h) = (size.width * SUPERSAMPLE, size.height * SUPERSAMPLE);
    let mut big = vec![255u8; 3 * w as usize * h as usize];
    let area = BitMapBackend::with_buffer(&mut big, (w, h)).into_drawing_area();
    draw_on(canvas_of(area, size, f64::from(SUPERSAMPLE), false), chart)?;
    let small = downsample(&big, w as usize, SUPERSAMPLE as usize);
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, size.width, size.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(&small).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(bytes)
}

/// Averages `f × f` blocks of an RGB image `width` pixels wide (rounding to nearest).
fn downsample(rgb: &[u8], width: usize, f: usize) -> Vec<u8> {
    let height = rgb.len() / (3 * width);
    let (w, h) = (width / f, height / f);
    let mut out = vec![0u8; 3 * w * h];
    let n = (f * f) as u32;
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let mut sum = 0u32;
                for dy in 0..f {
                    let row = (y * f + dy) * width;
                    for dx in 0..f {
                        sum += u32::from(rgb[3 * (row + x * f + dx) + c]);
                    }
                }
                out[3 * (y * w + x) + c] = ((sum + n / 2) / n) as u8;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsampling_averages_blocks() {
        // 2 × 2 image: black, white / white, white → one pixel of 191.25 → 191.
        let rgb = [0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255];
        assert_eq!(downsample(&rgb, 2, 2), vec![191, 191, 191]);
    }

    #[test]
    fn dashes_follow_the_pattern_across_corners() {
        // 10 px right then 10 px down, pattern 4 on / 2 off: on 0–4, 6–10, 12–16, 18–20 along
        // the path; a dash running on across the corner keeps the corner.
        let pieces = dash_pieces(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)], &[4.0, 2.0]);
        assert_eq!(
            pieces,
            vec![
                vec![(0.0, 0.0), (4.0, 0.0)],
                vec![(6.0, 0.0), (10.0, 0.0)],
                vec![(10.0, 2.0), (10.0, 6.0)],
                vec![(10.0, 8.0), (10.0, 10.0)],
            ]
        );
        let pieces = dash_pieces(&[(0.0, 0.0), (3.0, 0.0), (3.0, 3.0)], &[5.0, 1.0]);
        assert_eq!(pieces, vec![vec![(0.0, 0.0), (3.0, 0.0), (3.0, 2.0)]], "no empty piece at the end");
        assert_eq!(dash_pieces(&[(0.0, 0.0), (5.0, 0.0)], &[]), vec![vec![(0.0, 0.0), (5.0, 0.0)]]);
    }

    #[test]
    fn light_colours_darken_for_text() {
        let yellow = Colour::hex(0xF0E442);
        assert_ne!(yellow.for_text(), yellow);
        let blue = Colour::hex(0x0072B2);
        assert_eq!(blue.for_text(), blue);
    }
}
