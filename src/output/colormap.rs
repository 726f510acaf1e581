//! Colour maps for activity and connectivity pictures.
//!
//! The perceptually uniform maps `viridis`, `magma`, `inferno` and `plasma`
//! (van der Walt & Smith, released to the public domain) are stored as their
//! published 256-entry sRGB tables and interpolated linearly; `cividis`
//! (Nuñez, Anderton & Renslow 2018) uses a fifth-order polynomial fit per
//! channel; `gray` is a linear ramp and `hsv` is a cyclic hue wheel for
//! directions (angle / 2π mapped to [0, 1]).

use std::fmt;
use std::str::FromStr;

use super::OutputError;

/// A colour map from [0, 1] to sRGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Colormap {
    #[default]
    Viridis,
    Magma,
    Inferno,
    Plasma,
    Cividis,
    Gray,
    /// Cyclic: `rgb(0.0) == rgb(1.0)`.
    Hsv,
}

/// Colour used for NaN values.
pub const NAN_COLOR: [u8; 3] = [128, 128, 128];

const NAMES: &[&str] = &["viridis", "magma", "inferno", "plasma", "cividis", "gray", "hsv"];

impl Colormap {
    /// All maps, in the order of [`Colormap::names`].
    pub const ALL: [Colormap; 7] = [
        Colormap::Viridis,
        Colormap::Magma,
        Colormap::Inferno,
        Colormap::Plasma,
        Colormap::Cividis,
        Colormap::Gray,
        Colormap::Hsv,
    ];

    /// Accepted names, e.g. for command-line help.
    pub fn names() -> &'static [&'static str] {
        NAMES
    }

    /// Looks a map up by name (case-insensitive; `grey` is accepted for `gray`).
    pub fn from_name(name: &str) -> Result<Colormap, OutputError> {
        let lower = name.trim().to_ascii_lowercase();
        let lower = if lower == "grey" { "gray".to_string() } else { lower };
        NAMES
            .iter()
            .position(|n| *n == lower)
            .map(|i| Colormap::ALL[i])
            .ok_or_else(|| OutputError::UnknownColormap { name: name.to_string() })
    }

    pub fn name(&self) -> &'static str {
        NAMES[Colormap::ALL.iter().position(|c| c == self).unwrap_or(0)]
    }

    /// Whether the map wraps around (same colour at 0 and 1).
    pub fn is_cyclic(&self) -> bool {
        matches!(self, Colormap::Hsv)
    }

    /// Colour of `v`, clamped to [0, 1]; NaN gives [`NAN_COLOR`].
    pub fn rgb(&self, v: f32) -> [u8; 3] {
        if v.is_nan() {
            return NAN_COLOR;
        }
        let v = v.clamp(0.0, 1.0);
        match self {
            Colormap::Viridis => from_table(&VIRIDIS, v),
            Colormap::Magma => from_table(&MAGMA, v),
            Colormap::Inferno => from_table(&INFERNO, v),
            Colormap::Plasma => from_table(&PLASMA, v),
            Colormap::Cividis => cividis(v),
            Colormap::Gray => {
                let g = (v * 255.0).round() as u8;
                [g, g, g]
            }
            Colormap::Hsv => hue_wheel(v),
        }
    }

    /// Colour of `value` on a linear scale from `lo` to `hi`.
    pub fn rgb_scaled(&self, value: f32, lo: f32, hi: f32) -> [u8; 3] {
        let span = hi - lo;
        if value.is_nan() {
            NAN_COLOR
        } else if span > 0.0 {
            self.rgb((value - lo) / span)
        } else {
            self.rgb(0.5)
        }
    }

    /// 256 colours sampled evenly from 0 to 1.
    pub fn lut(&self) -> [[u8; 3]; 256] {
        let mut out = [[0u8; 3]; 256];
        for (i, c) in out.iter_mut().enumerate() {
            *c = self.rgb(i as f32 / 255.0);
        }
        out
    }

    /// `count` colours sampled evenly from 0 to 1 (both ends included).
    pub fn samples(&self, count: usize) -> Vec<[u8; 3]> {
        match count {
            0 => Vec::new(),
            1 => vec![self.rgb(0.5)],
            _ => (0..count).map(|i| self.rgb(i as f32 / (count - 1) as f32)).collect(),
        }
    }
}

impl fmt::Display for Colormap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Colormap {
    type Err = OutputError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Colormap::from_name(s)
    }
}

fn from_table(table: &[[u8; 3]; 256], v: f32) -> [u8; 3] {
    let x = v * 255.0;
    let i = (x.floor() as usize).min(254);
    let t = x - i as f32;
    let (a, b) = (table[i], table[i + 1]);
    let mut out = [0u8; 3];
    for k in 0..3 {
        out[k] = (a[k] as f32 + (b[k] as f32 - a[k] as f32) * t).round() as u8;
    }
    out
}

fn cividis(t: f32) -> [u8; 3] {
    // Coefficients of c0 + c1 t + ... + c5 t^5 per channel (0..255 scale).
    const C: [[f32; 6]; 3] = [
        [-4.54, -35.34, 2381.73, -6402.7, 7024.72, -2710.57],
        [32.49, 170.73, 52.82, -131.46, 176.58, -67.37],
        [81.24, 442.36, -2482.43, 6167.24, -6614.94, 2475.67],
    ];
    let mut out = [0u8; 3];
    for (o, c) in out.iter_mut().zip(C.iter()) {
        let v = c.iter().rev().fold(0.0f32, |acc, &k| acc * t + k);
        *o = v.round().clamp(0.0, 255.0) as u8;
    }
    out
}

fn hue_wheel(v: f32) -> [u8; 3] {
    let h = (v * 6.0) % 6.0;
    let x = 1.0 - ((h % 2.0) - 1.0).abs();
    let (r, g, b) = match h as u32 {
        0 => (1.0, x, 0.0),
        1 => (x, 1.0, 0.0),
        2 => (0.0, 1.0, x),
        3 => (0.0, x, 1.0),
        4 => (x, 0.0, 1.0),
        _ => (1.0, 0.0, x),
    };
    [(r * 255.0f32).round() as u8, (g * 255.0f32).round() as u8, (b * 255.0f32).round() as u8]
}

const fn hex_digit(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("colour table holds a non-hex character"),
    }
}

const fn parse_table(hex: &str) -> [[u8; 3]; 256] {
    let b = hex.as_bytes();
    assert!(b.len() == 256 * 6, "colour table must hold 256 colours");
    let mut out = [[0u8; 3]; 256];
    let mut i = 0;
    while i < 256 {
        let mut k = 0;
        while k < 3 {
            let j = i * 6 + k * 2;
            out[i][k] = hex_digit(b[j]) * 16 + hex_digit(b[j + 1]);
            k += 1;
        }
        i += 1;
    }
    out
}

static VIRIDIS: [[u8; 3]; 256] = parse_table(
    "44015444025645045745055946075a46085c460a5d460b5e470d60470e6147106347116447136548146748166848176948186a481a6c481b6d481c6e481d6f481f70482071482173482374482475482576482677482878482979472a7a472c7a472d7b472e7c472f7d46307e46327e46337f463480453581453781453882443983443a83443b84433d84433e85423f854240864241864142874144874045884046883f47883f48893e49893e4a893e4c8a3d4d8a3d4e8a3c4f8a3c508b3b518b3b528b3a538b3a548c39558c39568c38588c38598c375a8c375b8d365c8d365d8d355e8d355f8d34608d34618d33628d33638d32648e32658e31668e31678e31688e30698e306a8e2f6b8e2f6c8e2e6d8e2e6e8e2e6f8e2d708e2d718e2c718e2c728e2c738e2b748e2b758e2a768e2a778e2a788e29798e297a8e297b8e287c8e287d8e277e8e277f8e27808e26818e26828e26828e25838e25848e25858e24868e24878e23888e23898e238a8d228b8d228c8d228d8d218e8d218f8d21908d21918c20928c20928c20938c1f948c1f958b1f968b1f978b1f988b1f998a1f9a8a1e9b8a1e9c891e9d891f9e891f9f881fa0881fa1881fa1871fa28720a38620a48621a58521a68522a78522a88423a98324aa8325ab8225ac8226ad8127ad8128ae8029af7f2ab07f2cb17e2db27d2eb37c2fb47c31b57b32b67a34b67935b77937b87838b9773aba763bbb753dbc743fbc7340bd7242be7144bf7046c06f48c16e4ac16d4cc26c4ec36b50c46a52c56954c56856c66758c7655ac8645cc8635ec96260ca6063cb5f65cb5e67cc5c69cd5b6ccd5a6ece5870cf5773d05675d05477d1537ad1517cd2507fd34e81d34d84d44b86d54989d5488bd6468ed64590d74393d74195d84098d83e9bd93c9dd93ba0da39a2da37a5db36a8db34aadc32addc30b0dd2fb2dd2db5de2bb8de29bade28bddf26c0df25c2df23c5e021c8e020cae11fcde11dd0e11cd2e21bd5e21ad8e219dae319dde318dfe318e2e418e5e419e7e419eae51aece51befe51cf1e51df4e61ef6e620f8e621fbe723fde725",
);

static MAGMA: [[u8; 3]; 256] = parse_table(
    "00000401000501010601010802010902020b02020d03030f03031204041405041606051806051a07061c08071e0907200a08220b09240c09260d0a290e0b2b100b2d110c2f120d31130d34140e36150e38160f3b180f3d19103f1a10421c10441d11471e114920114b21114e22115024125325125527125829115a2a115c2c115f2d11612f116331116533106734106936106b38106c390f6e3b0f703d0f713f0f72400f74420f75440f764510774710784910784a10794c117a4e117b4f127b51127c52137c54137d56147d57157e59157e5a167e5c167f5d177f5f187f601880621980641a80651a80671b80681c816a1c816b1d816d1d816e1e81701f81721f817320817521817621817822817922827b23827c23827e24828025828125818326818426818627818827818928818b29818c29818e2a81902a81912b81932b80942c80962c80982d80992d809b2e7f9c2e7f9e2f7fa02f7fa1307ea3307ea5317ea6317da8327daa337dab337cad347cae347bb0357bb2357bb3367ab5367ab73779b83779ba3878bc3978bd3977bf3a77c03a76c23b75c43c75c53c74c73d73c83e73ca3e72cc3f71cd4071cf4070d0416fd2426fd3436ed5446dd6456cd8456cd9466bdb476adc4869de4968df4a68e04c67e24d66e34e65e44f64e55064e75263e85362e95462ea5661eb5760ec5860ed5a5fee5b5eef5d5ef05f5ef1605df2625df2645cf3655cf4675cf4695cf56b5cf66c5cf66e5cf7705cf7725cf8745cf8765cf9785df9795df97b5dfa7d5efa7f5efa815ffb835ffb8560fb8761fc8961fc8a62fc8c63fc8e64fc9065fd9266fd9467fd9668fd9869fd9a6afd9b6bfe9d6cfe9f6dfea16efea36ffea571fea772fea973feaa74feac76feae77feb078feb27afeb47bfeb67cfeb77efeb97ffebb81febd82febf84fec185fec287fec488fec68afec88cfeca8dfecc8ffecd90fecf92fed194fed395fed597fed799fed89afdda9cfddc9efddea0fde0a1fde2a3fde3a5fde5a7fde7a9fde9aafdebacfcecaefceeb0fcf0b2fcf2b4fcf4b6fcf6b8fcf7b9fcf9bbfcfbbdfcfdbf",
);

static INFERNO: [[u8; 3]; 256] = parse_table(
    "00000401000501010601010802010a02020c02020e03021004031204031405041706041907051b08051d09061f0a07220b07240c08260d08290e092b10092d110a30120a32140b34150b37160b39180c3c190c3e1b0c411c0c431e0c451f0c48210c4a230c4c240c4f260c51280b53290b552b0b572d0b592f0a5b310a5c320a5e340a5f3609613809623909633b09643d09653e0966400a67420a68440a68450a69470b6a490b6a4a0c6b4c0c6b4d0d6c4f0d6c510e6c520e6d540f6d550f6d57106e59106e5a116e5c126e5d126e5f136e61136e62146e64156e65156e67166e69166e6a176e6c186e6d186e6f196e71196e721a6e741a6e751b6e771c6d781c6d7a1d6d7c1d6d7d1e6d7f1e6c801f6c82206c84206b85216b87216b88226a8a226a8c23698d23698f24699025689225689326679526679727669827669a28659b29649d29649f2a63a02a63a22b62a32c61a52c60a62d60a82e5fa92e5eab2f5ead305dae305cb0315bb1325ab3325ab43359b63458b73557b93556ba3655bc3754bd3853bf3952c03a51c13a50c33b4fc43c4ec63d4dc73e4cc83f4bca404acb4149cc4248ce4347cf4446d04545d24644d34743d44842d54a41d74b3fd84c3ed94d3dda4e3cdb503bdd513ade5238df5337e05536e15635e25734e35933e45a31e55c30e65d2fe75e2ee8602de9612bea632aeb6429eb6628ec6726ed6925ee6a24ef6c23ef6e21f06f20f1711ff1731df2741cf3761bf37819f47918f57b17f57d15f67e14f68013f78212f78410f8850ff8870ef8890cf98b0bf98c0af98e09fa9008fa9207fa9407fb9606fb9706fb9906fb9b06fb9d07fc9f07fca108fca309fca50afca60cfca80dfcaa0ffcac11fcae12fcb014fcb216fcb418fbb61afbb81dfbba1ffbbc21fbbe23fac026fac228fac42afac62df9c72ff9c932f9cb35f8cd37f8cf3af7d13df7d340f6d543f6d746f5d949f5db4cf4dd4ff4df53f4e156f3e35af3e55df2e661f2e865f2ea69f1ec6df1ed71f1ef75f1f179f2f27df2f482f3f586f3f68af4f88ef5f992f6fa96f8fb9af9fc9dfafda1fcffa4",
);

static PLASMA: [[u8; 3]; 256] = parse_table(
    "0d088710078813078916078a19068c1b068d1d068e20068f2206902406912605912805922a05932c05942e05952f059631059733059735049837049938049a3a049a3c049b3e049c3f049c41049d43039e44039e46039f48039f4903a04b03a14c02a14e02a25002a25102a35302a35502a45601a45801a45901a55b01a55c01a65e01a66001a66100a76300a76400a76600a76700a86900a86a00a86c00a86e00a86f00a87100a87201a87401a87501a87701a87801a87a02a87b02a87d03a87e03a88004a88104a78305a78405a78606a68707a68808a68a09a58b0aa58d0ba58e0ca48f0da4910ea3920fa39410a29511a19613a19814a099159f9a169f9c179e9d189d9e199da01a9ca11b9ba21d9aa31e9aa51f99a62098a72197a82296aa2395ab2494ac2694ad2793ae2892b02991b12a90b22b8fb32c8eb42e8db52f8cb6308bb7318ab83289ba3388bb3488bc3587bd3786be3885bf3984c03a83c13b82c23c81c33d80c43e7fc5407ec6417dc7427cc8437bc9447aca457acb4679cc4778cc4977cd4a76ce4b75cf4c74d04d73d14e72d24f71d35171d45270d5536fd5546ed6556dd7566cd8576bd9586ada5a6ada5b69db5c68dc5d67dd5e66de5f65de6164df6263e06363e16462e26561e26660e3685fe4695ee56a5de56b5de66c5ce76e5be76f5ae87059e97158e97257ea7457eb7556eb7655ec7754ed7953ed7a52ee7b51ef7c51ef7e50f07f4ff0804ef1814df1834cf2844bf3854bf3874af48849f48948f58b47f58c46f68d45f68f44f79044f79143f79342f89441f89540f9973ff9983ef99a3efa9b3dfa9c3cfa9e3bfb9f3afba139fba238fca338fca537fca636fca835fca934fdab33fdac33fdae32fdaf31fdb130fdb22ffdb42ffdb52efeb72dfeb82cfeba2cfebb2bfebd2afebe2afec029fdc229fdc328fdc527fdc627fdc827fdca26fdcb26fccd25fcce25fcd025fcd225fbd324fbd524fbd724fad824fada24f9dc24f9dd25f8df25f8e125f7e225f7e425f6e626f6e826f5e926f5eb27f4ed27f3ee27f3f027f2f227f1f426f1f525f0f724f0f921",
);

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(c: [u8; 3]) -> f64 {
        let lin = |u: u8| {
            let s = u as f64 / 255.0;
            if s <= 0.04045 { s / 12.92 } else { ((s + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
    }

    fn close(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
        a.iter().zip(b).all(|(&x, y)| (x as i32 - y as i32).abs() <= tol)
    }

    #[test]
    fn viridis_endpoints() {
        let c = Colormap::Viridis;
        assert!(close(c.rgb(0.0), [68, 1, 84], 1), "{:?}", c.rgb(0.0));
        assert!(close(c.rgb(1.0), [253, 231, 37], 1), "{:?}", c.rgb(1.0));
        assert!(close(c.rgb(0.5), [33, 145, 140], 2), "{:?}", c.rgb(0.5));
        assert_eq!(c.rgb(-3.0), c.rgb(0.0));
        assert_eq!(c.rgb(7.0), c.rgb(1.0));
        assert_eq!(c.rgb(f32::NAN), NAN_COLOR);
        assert_eq!(c.lut()[0], c.rgb(0.0));
        assert_eq!(c.lut()[255], c.rgb(1.0));
    }

    #[test]
    fn other_endpoints() {
        assert!(close(Colormap::Magma.rgb(0.0), [0, 0, 4], 1));
        assert!(close(Colormap::Magma.rgb(1.0), [252, 253, 191], 1));
        assert!(close(Colormap::Inferno.rgb(1.0), [252, 255, 164], 1));
        assert!(close(Colormap::Plasma.rgb(0.0), [13, 8, 135], 1));
        assert!(close(Colormap::Plasma.rgb(1.0), [240, 249, 33], 1));
        assert!(close(Colormap::Cividis.rgb(0.0), [0, 32, 77], 5));
        assert!(close(Colormap::Cividis.rgb(1.0), [253, 233, 69], 5));
        assert_eq!(Colormap::Gray.rgb(0.0), [0, 0, 0]);
        assert_eq!(Colormap::Gray.rgb(1.0), [255, 255, 255]);
    }

    #[test]
    fn sequential_maps_increase_in_luminance() {
        for map in Colormap::ALL.iter().filter(|m| !m.is_cyclic()) {
            let mut prev = -1.0;
            for i in 0..=64 {
                let y = luminance(map.rgb(i as f32 / 64.0));
                assert!(y >= prev - 1e-3, "{map}: luminance drops at {i}/64");
                prev = y;
            }
            assert!(luminance(map.rgb(1.0)) > luminance(map.rgb(0.0)) + 0.5, "{map}");
        }
    }

    #[test]
    fn hsv_is_cyclic_and_colourful() {
        let c = Colormap::Hsv;
        assert_eq!(c.rgb(0.0), c.rgb(1.0));
        assert_eq!(c.rgb(0.0), [255, 0, 0]);
        assert!(close(c.rgb(1.0 / 3.0), [0, 255, 0], 1));
        assert!(close(c.rgb(2.0 / 3.0), [0, 0, 255], 1));
    }

    #[test]
    fn names_round_trip_and_errors_list_choices() {
        for (name, map) in Colormap::names().iter().zip(Colormap::ALL) {
            assert_eq!(Colormap::from_name(name).unwrap(), map);
            assert_eq!(map.name(), *name);
            assert_eq!(name.parse::<Colormap>().unwrap(), map);
        }
        assert_eq!(Colormap::from_name("Grey").unwrap(), Colormap::Gray);
        assert_eq!(Colormap::from_name(" VIRIDIS ").unwrap(), Colormap::Viridis);
        assert_eq!(Colormap::default(), Colormap::Viridis);
        let e = Colormap::from_name("jet").unwrap_err().to_string();
        assert!(e.contains("'jet'"));
        for n in Colormap::names() {
            assert!(e.contains(n), "{e}");
        }
    }

    #[test]
    fn scaled_and_samples() {
        let c = Colormap::Viridis;
        assert_eq!(c.rgb_scaled(32.0, 0.0, 64.0), c.rgb(0.5));
        assert_eq!(c.rgb_scaled(1.0, 1.0, 1.0), c.rgb(0.5));
        let s = c.samples(5);
        assert_eq!(s.len(), 5);
        assert_eq!(s[0], c.rgb(0.0));
        assert_eq!(s[4], c.rgb(1.0));
    }
}
