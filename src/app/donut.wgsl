// The donut's surface: the activity texture, shaded by one directional light (Lambert) over a
// floor of emission, so quiet cells show the shape and active cells glow in the shade too.
#import bevy_pbr::forward_io::VertexOutput

@group(#{MATERIAL_BIND_GROUP}) @binding(0) var activity: texture_2d<f32>;
@group(#{MATERIAL_BIND_GROUP}) @binding(1) var activity_sampler: sampler;
// xyz: the direction towards the light; w: the emission floor (0 to 1).
@group(#{MATERIAL_BIND_GROUP}) @binding(2) var<uniform> light: vec4<f32>;

@fragment
fn fragment(in: VertexOutput) -> @location(0) vec4<f32> {
    let colour = textureSample(activity, activity_sampler, in.uv).rgb;
    let lambert = max(dot(normalize(in.world_normal), light.xyz), 0.0);
    // A touch of rim light keeps the silhouette on the dark background.
    return vec4<f32>(colour * (light.w + (1.0 - light.w) * lambert), 1.0);
}
