//! Firing rates from recorded spikes (parallel slices of neuron ids and times in ms): per neuron over
//! a window, and per neuron in consecutive bins (the frames of an activity movie).

/// Firing rate of every one of `n_neurons` neurons (Hz) over `[from_ms, to_ms)`; all zero for an
/// empty window. Ids outside the grid are ignored.
pub fn rates_hz(i: &[u32], t_ms: &[f64], n_neurons: usize, from_ms: f64, to_ms: f64) -> Vec<f64> {
    let mut counts = vec![0u32; n_neurons];
    for (&id, &t) in i.iter().zip(t_ms) {
        if t >= from_ms
            && t < to_ms
            && let Some(c) = counts.get_mut(id as usize)
        {
            *c += 1;
        }
    }
    let secs = (to_ms - from_ms) / 1000.0;
    counts.into_iter().map(|c| if secs > 0.0 { f64::from(c) / secs } else { 0.0 }).collect()
}

/// Per-neuron rates (Hz) in consecutive bins of `bin_ms` over `[from_ms, to_ms)`: one frame of
/// `n_neurons` values per whole bin. No frames unless `bin_ms` is positive and finite.
pub fn rate_frames(i: &[u32], t_ms: &[f64], n_neurons: usize, from_ms: f64, to_ms: f64, bin_ms: f64) -> Vec<Vec<f32>> {
    if !(bin_ms.is_finite() && bin_ms > 0.0) {
        return Vec::new();
    }
    let frames = ((to_ms - from_ms) / bin_ms).floor().max(0.0) as usize;
    let mut out = vec![vec![0f32; n_neurons]; frames];
    let scale = (1000.0 / bin_ms) as f32;
    for (&id, &t) in i.iter().zip(t_ms) {
        if t >= from_ms {
            let f = ((t - from_ms) / bin_ms) as usize;
            if let Some(v) = out.get_mut(f).and_then(|frame| frame.get_mut(id as usize)) {
                *v += scale;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_count_spikes_in_the_window_and_frames_bin_them() {
        let i = [0, 1, 1, 3, 1];
        let t = [5.0, 10.0, 30.0, 60.0, 120.0];
        assert_eq!(rates_hz(&i, &t, 4, 0.0, 100.0), vec![10.0, 20.0, 0.0, 10.0]);
        assert_eq!(rates_hz(&i, &t, 4, 50.0, 50.0), vec![0.0; 4]);
        let frames = rate_frames(&i, &t, 4, 0.0, 100.0, 25.0);
        assert_eq!(frames.len(), 4);
        assert_eq!(frames[0], vec![40.0, 40.0, 0.0, 0.0]);
        assert_eq!(frames[1], vec![0.0, 40.0, 0.0, 0.0]);
        assert_eq!(frames[2], vec![0.0, 0.0, 0.0, 40.0]);
        assert!(rate_frames(&i, &t, 4, 0.0, 100.0, 0.0).is_empty());
    }
}
