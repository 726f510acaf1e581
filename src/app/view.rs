//! The activity texture: one texel per neuron, nearest filtering, rewritten once per rendered
//! frame from `ActivityBins.trace` through the chosen colour map. Texel row 0 is the top of the
//! image, so neuron row y goes to texel row `n − 1 − y` (y up on screen). Nine sprites share the
//! texture; the eight around the sheet show only when the torus is tiled 3×3. With the E-I network
//! the texture shows the E sheet, or the I sheet (its own resolution, stretched over the same torus)
//! when `show_i` is on.

use bevy::asset::RenderAssetUsages;
use bevy::image::ImageSampler;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use seqscape_core::sim::ei::InhibitoryBins;
use seqscape_core::sim::{ActivityBins, SimState};

use super::{AppSet, ViewSettings, ViewShape};
use crate::output::colormap::Colormap;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, setup);
    app.add_systems(Update, (resize, upload).chain().in_set(AppSet::Display));
}

/// The texture the activity is drawn into.
#[derive(Resource)]
pub struct ActivityImage {
    pub handle: Handle<Image>,
    pub n: usize,
}

/// One copy of the sheet; `offset` in sheets (0, 0 is the torus itself).
#[derive(Component)]
pub struct SheetTile {
    pub offset: IVec2,
}

fn new_image(n: usize) -> Image {
    let mut image = Image::new_fill(
        Extent3d { width: n as u32, height: n as u32, depth_or_array_layers: 1 },
        TextureDimension::D2,
        &[0, 0, 0, 255],
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    );
    image.sampler = ImageSampler::nearest();
    image
}

fn tile_transform(n: usize, offset: IVec2) -> Transform {
    let n = n as f32;
    Transform::from_xyz(n / 2.0 + offset.x as f32 * n, n / 2.0 + offset.y as f32 * n, 0.0)
}

fn setup(mut commands: Commands, mut images: ResMut<Assets<Image>>, state: Res<SimState>) {
    let n = state.params.n;
    let handle = images.add(new_image(n));
    for oy in -1..=1 {
        for ox in -1..=1 {
            let offset = IVec2::new(ox, oy);
            commands.spawn((
                Sprite { image: handle.clone(), custom_size: Some(Vec2::splat(n as f32)), ..default() },
                tile_transform(n, offset),
                if offset == IVec2::ZERO { Visibility::Visible } else { Visibility::Hidden },
                SheetTile { offset },
            ));
        }
    }
    commands.insert_resource(ActivityImage { handle, n });
}

/// The activity shown: the I sheet's when asked for and there is one, else the (E) sheet's.
fn shown<'a>(settings: &ViewSettings, bins: &'a ActivityBins, i_bins: Option<&'a InhibitoryBins>) -> &'a ActivityBins {
    match i_bins {
        Some(i) if settings.show_i => &i.0,
        _ => bins,
    }
}

/// Follows a new sheet size, the sheet shown and the tiling switch.
fn resize(
    state: Res<SimState>,
    settings: Res<ViewSettings>,
    bins: Res<ActivityBins>,
    i_bins: Option<Res<InhibitoryBins>>,
    mut image: ResMut<ActivityImage>,
    mut images: ResMut<Assets<Image>>,
    mut tiles: Query<(&SheetTile, &mut Sprite, &mut Transform, &mut Visibility)>,
) {
    let n = state.params.n;
    let texels = shown(&settings, &bins, i_bins.as_deref()).n;
    if image.n != texels {
        let _ = images.insert(&image.handle, new_image(texels));
        image.n = texels;
    }
    for (tile, mut sprite, mut transform, mut visibility) in &mut tiles {
        let size = Some(Vec2::splat(n as f32));
        if sprite.custom_size != size {
            sprite.custom_size = size;
        }
        let t = tile_transform(n, tile.offset);
        if *transform != t {
            *transform = t;
        }
        let flat = settings.shape == ViewShape::Sheet;
        let v = if flat && (tile.offset == IVec2::ZERO || settings.tiled) {
            Visibility::Visible
        } else {
            Visibility::Hidden
        };
        if *visibility != v {
            *visibility = v;
        }
    }
}

/// A 256-entry colour table for the texture.
fn lut(colormap: Colormap) -> Vec<[u8; 4]> {
    colormap.lut().iter().map(|c| [c[0], c[1], c[2], 255]).collect()
}

fn upload(
    bins: Res<ActivityBins>,
    i_bins: Option<Res<InhibitoryBins>>,
    settings: Res<ViewSettings>,
    image: Res<ActivityImage>,
    mut images: ResMut<Assets<Image>>,
    mut table: Local<Option<(Colormap, Vec<[u8; 4]>)>>,
) {
    let bins = shown(&settings, &bins, i_bins.as_deref());
    let n = image.n;
    if bins.trace.len() != n * n {
        return;
    }
    if table.as_ref().is_none_or(|(c, _)| *c != settings.colormap) {
        *table = Some((settings.colormap, lut(settings.colormap)));
    }
    let Some((_, colors)) = table.as_ref() else {
        return;
    };
    let Some(mut img) = images.get_mut(&image.handle) else {
        return;
    };
    let Some(data) = img.data.as_mut() else {
        return;
    };
    if data.len() != n * n * 4 {
        return;
    }
    let k = 255.0 / settings.trace_max.max(1.0e-3);
    for y in 0..n {
        let src = &bins.trace[y * n..(y + 1) * n];
        let row = n - 1 - y;
        let dst = &mut data[row * n * 4..(row + 1) * n * 4];
        for (px, &v) in dst.chunks_exact_mut(4).zip(src) {
            let level = (v * k).clamp(0.0, 255.0) as usize;
            px.copy_from_slice(&colors[level]);
        }
    }
}
