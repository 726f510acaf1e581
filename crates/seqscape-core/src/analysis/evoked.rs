//! Stimulus-evoked sequences of the E-I network (the paper's Fig. 8), after the authors' plot
//! script `scripts/plot/sequence_EI_networks_stim_inputs.py`.
//!
//! A cluster (of any [`Recipe`](super::Recipe); Fig. 8 uses `authors-wrap`) is *evoked* when it
//! has at least one spike in the stimulated site's row (`y = centre_y`) and one in its column
//! (`x = centre_x`), at least one spike within the first [`EvokedProtocol::start_window_ms`] of a
//! stimulus period and no spike in the period's last [`EvokedProtocol::quiet_ms`]; the period
//! phase of a spike is `(t − first onset) mod period`. Its reaction time is the phase of its first
//! spike (first spike − the onset of its period), its lifespan its last spike − its first. The
//! evoked probability is the number of evoked clusters divided by the number of pulses (as the
//! authors': several evoked clusters in one period all count). Reaction time and lifespan are
//! reported as mean (the authors' statistic) and median.
//!
//! The authors test the row and the column on NEST's 1-based ids, i.e. one column to the left of
//! their stimulus centre; here both are the stimulus centre's own (0-based) row and column.

use serde::Serialize;

use super::finite_or_null;
use super::sequences::percentile;
use crate::model::ei::EiParams;

/// Where and when the stimulus came, and the evoked-sequence windows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvokedProtocol {
    /// Onset of every pulse, ms, ascending and `period_ms` apart.
    pub onsets_ms: Vec<f64>,
    /// Pulse plus pause, ms.
    pub period_ms: f64,
    /// Column and row of the stimulated site on the analysed grid.
    pub centre_x: u32,
    pub centre_y: u32,
    /// An evoked cluster has a spike within this time after an onset (the authors': 50 ms).
    pub start_window_ms: f64,
    /// … and none in this last part of a period (the authors': 50 ms).
    pub quiet_ms: f64,
}

/// The authors' start window and quiet end of a period, ms.
pub const EVOKED_WINDOW_MS: f64 = 50.0;

impl EvokedProtocol {
    /// The protocol of an E-I run: its pulse onsets and period, the centre E neuron
    /// (`n_e / 2`, `n_e / 2`) around which the stimulated neurons were drawn.
    pub fn for_ei(p: &EiParams) -> Self {
        let onsets = (0..p.stimulus.pulses).map(|k| p.pulse_onset_ms(k)).collect();
        let c = (p.n_e / 2) as u32;
        Self::new(onsets, p.stimulus.period_ms(), c, c)
    }

    /// The authors' protocol for pulses at `onsets_ms` repeating every `period_ms` into the site
    /// centred at (`centre_x`, `centre_y`).
    pub fn new(onsets_ms: Vec<f64>, period_ms: f64, centre_x: u32, centre_y: u32) -> Self {
        Self { onsets_ms, period_ms, centre_x, centre_y, start_window_ms: EVOKED_WINDOW_MS, quiet_ms: EVOKED_WINDOW_MS }
    }
}

/// Mean and median of a set of durations; null (NaN) when empty.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeanMedian {
    #[serde(serialize_with = "finite_or_null")]
    pub mean: f64,
    #[serde(serialize_with = "finite_or_null")]
    pub median: f64,
}

impl MeanMedian {
    /// Mean and median (numpy's interpolation) of `values`.
    pub fn of(values: &[f64]) -> Self {
        if values.is_empty() {
            return Self { mean: f64::NAN, median: f64::NAN };
        }
        let mut sorted = values.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        Self { mean: values.iter().sum::<f64>() / values.len() as f64, median: percentile(&sorted, 0.5) }
    }
}

/// One evoked cluster.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EvokedCluster {
    /// Cluster label.
    pub cluster: usize,
    /// The pulse whose period holds the cluster's first spike (0-based).
    pub pulse: usize,
    pub first_spike_ms: f64,
    pub last_spike_ms: f64,
    pub reaction_time_ms: f64,
    pub lifespan_ms: f64,
}

/// The evoked sequences of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvokedSummary {
    pub pulses: usize,
    pub n_evoked: usize,
    /// Evoked clusters / pulses (null without pulses).
    #[serde(serialize_with = "finite_or_null")]
    pub evoked_probability: f64,
    /// Pulses followed by at least one evoked cluster / pulses.
    #[serde(serialize_with = "finite_or_null")]
    pub pulses_with_evoked_fraction: f64,
    pub reaction_time_ms: MeanMedian,
    pub lifespan_ms: MeanMedian,
    pub protocol: EvokedProtocol,
    pub clusters: Vec<EvokedCluster>,
}

/// The evoked clusters among the labelled spikes (`labels[k]` the cluster of spike `k`, −1 for
/// noise; `ids` on an `n × n` grid, `t_ms` sorted).
pub fn evoked_sequences(
    labels: &[i32],
    ids: &[u32],
    t_ms: &[f64],
    n: usize,
    protocol: &EvokedProtocol,
) -> EvokedSummary {
    let n_clusters = labels.iter().map(|&l| l + 1).max().unwrap_or(0).max(0) as usize;
    #[derive(Clone, Copy)]
    struct Acc {
        first: f64,
        last: f64,
        in_row: bool,
        in_column: bool,
        early: bool,
        late: bool,
    }
    let empty = Acc {
        first: f64::INFINITY,
        last: f64::NEG_INFINITY,
        in_row: false,
        in_column: false,
        early: false,
        late: false,
    };
    let mut acc = vec![empty; n_clusters];
    let origin = protocol.onsets_ms.first().copied();
    let p = protocol.period_ms;
    for ((&l, &id), &t) in labels.iter().zip(ids).zip(t_ms) {
        let (Ok(c), Some(origin)) = (usize::try_from(l), origin) else { continue };
        let a = &mut acc[c];
        a.first = a.first.min(t);
        a.last = a.last.max(t);
        let (x, y) = (id as usize % n, id as usize / n);
        a.in_row |= y == protocol.centre_y as usize;
        a.in_column |= x == protocol.centre_x as usize;
        let phase = (t - origin).rem_euclid(p);
        a.early |= phase < protocol.start_window_ms;
        a.late |= phase > p - protocol.quiet_ms;
    }
    let pulses = protocol.onsets_ms.len();
    let mut clusters = Vec::new();
    if let Some(origin) = origin {
        for (c, a) in acc.iter().enumerate() {
            if !(a.in_row && a.in_column && a.early && !a.late) || a.first < origin {
                continue;
            }
            let pulse = ((a.first - origin) / p).floor() as usize;
            if pulse >= pulses {
                continue;
            }
            clusters.push(EvokedCluster {
                cluster: c,
                pulse,
                first_spike_ms: a.first,
                last_spike_ms: a.last,
                reaction_time_ms: (a.first - origin).rem_euclid(p),
                lifespan_ms: a.last - a.first,
            });
        }
    }
    let per_pulse = |count: usize| if pulses == 0 { f64::NAN } else { count as f64 / pulses as f64 };
    let mut pulses_hit: Vec<usize> = clusters.iter().map(|c| c.pulse).collect();
    pulses_hit.dedup();
    let reaction: Vec<f64> = clusters.iter().map(|c| c.reaction_time_ms).collect();
    let lifespan: Vec<f64> = clusters.iter().map(|c| c.lifespan_ms).collect();
    EvokedSummary {
        pulses,
        n_evoked: clusters.len(),
        evoked_probability: per_pulse(clusters.len()),
        pulses_with_evoked_fraction: per_pulse(pulses_hit.len()),
        reaction_time_ms: MeanMedian::of(&reaction),
        lifespan_ms: MeanMedian::of(&lifespan),
        protocol: protocol.clone(),
        clusters,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: usize = 120;

    /// A cluster's spikes: (x, y, t) triples with one label.
    fn add(labels: &mut Vec<i32>, ids: &mut Vec<u32>, t: &mut Vec<f64>, label: i32, spikes: &[(u32, u32, f64)]) {
        for &(x, y, ts) in spikes {
            labels.push(label);
            ids.push(y * N as u32 + x);
            t.push(ts);
        }
    }

    fn sorted(labels: Vec<i32>, ids: Vec<u32>, t: Vec<f64>) -> (Vec<i32>, Vec<u32>, Vec<f64>) {
        let mut order: Vec<usize> = (0..t.len()).collect();
        order.sort_by(|&a, &b| t[a].total_cmp(&t[b]));
        (
            order.iter().map(|&k| labels[k]).collect(),
            order.iter().map(|&k| ids[k]).collect(),
            order.iter().map(|&k| t[k]).collect(),
        )
    }

    fn protocol() -> EvokedProtocol {
        // Four pulses from 500 ms, every 500 ms, at the centre (60, 60).
        EvokedProtocol::new(vec![500.0, 1000.0, 1500.0, 2000.0], 500.0, 60, 60)
    }

    #[test]
    fn evoked_clusters_follow_the_authors_definition() {
        let (mut l, mut i, mut t) = (Vec::new(), Vec::new(), Vec::new());
        // 0: evoked by pulse 0: row and column hit, starts 12 ms after the onset, ends at 590.
        add(&mut l, &mut i, &mut t, 0, &[(60, 58, 512.0), (61, 60, 530.0), (70, 65, 590.0)]);
        // 1: evoked by pulse 2: starts 30 ms after the onset, lasts 100 ms.
        add(&mut l, &mut i, &mut t, 1, &[(55, 60, 1530.0), (60, 62, 1560.0), (40, 40, 1630.0)]);
        // 2: starts early, crosses the row and column, but reaches the period's last 50 ms.
        add(&mut l, &mut i, &mut t, 2, &[(60, 60, 1010.0), (60, 61, 1460.0)]);
        // 3: in the row only.
        add(&mut l, &mut i, &mut t, 3, &[(10, 60, 1005.0), (11, 60, 1040.0)]);
        // 4: row and column, but no spike in the first 50 ms of a period.
        add(&mut l, &mut i, &mut t, 4, &[(60, 10, 2060.0), (10, 60, 2070.0)]);
        // Noise spikes at the centre do not count.
        add(&mut l, &mut i, &mut t, -1, &[(60, 60, 2001.0), (60, 60, 2002.0)]);
        let (l, i, t) = sorted(l, i, t);
        let s = evoked_sequences(&l, &i, &t, N, &protocol());
        let evoked: Vec<(usize, usize)> = s.clusters.iter().map(|c| (c.cluster, c.pulse)).collect();
        assert_eq!(evoked, vec![(0, 0), (1, 2)]);
        assert_eq!(s.pulses, 4);
        assert_eq!(s.n_evoked, 2);
        assert!((s.evoked_probability - 0.5).abs() < 1e-12);
        assert!((s.pulses_with_evoked_fraction - 0.5).abs() < 1e-12);
        // Reaction times 12 and 30 ms; lifespans 78 and 100 ms.
        assert!((s.reaction_time_ms.mean - 21.0).abs() < 1e-9 && (s.reaction_time_ms.median - 21.0).abs() < 1e-9);
        assert!((s.lifespan_ms.mean - 89.0).abs() < 1e-9);
        assert!((s.clusters[0].lifespan_ms - 78.0).abs() < 1e-9);
    }

    #[test]
    fn mean_and_median_differ_and_several_clusters_per_pulse_all_count() {
        let (mut l, mut i, mut t) = (Vec::new(), Vec::new(), Vec::new());
        add(&mut l, &mut i, &mut t, 0, &[(60, 60, 505.0), (60, 60, 515.0)]);
        add(&mut l, &mut i, &mut t, 1, &[(60, 60, 507.0), (60, 60, 537.0)]);
        add(&mut l, &mut i, &mut t, 2, &[(60, 60, 1540.0), (60, 60, 1830.0)]);
        let (l, i, t) = sorted(l, i, t);
        let s = evoked_sequences(&l, &i, &t, N, &protocol());
        assert_eq!(s.n_evoked, 3);
        assert!((s.evoked_probability - 0.75).abs() < 1e-12);
        assert!((s.pulses_with_evoked_fraction - 0.5).abs() < 1e-12);
        // Lifespans 10, 30, 290: mean 110, median 30. Reaction times 5, 7, 40.
        assert!((s.lifespan_ms.mean - 110.0).abs() < 1e-9 && (s.lifespan_ms.median - 30.0).abs() < 1e-9);
        assert!((s.reaction_time_ms.median - 7.0).abs() < 1e-9);
    }

    #[test]
    fn no_clusters_or_no_pulses_give_nulls() {
        let s = evoked_sequences(&[-1, -1], &[0, 1], &[600.0, 700.0], N, &protocol());
        assert_eq!((s.n_evoked, s.evoked_probability), (0, 0.0));
        assert!(s.reaction_time_ms.mean.is_nan() && s.lifespan_ms.median.is_nan());
        let none = EvokedProtocol::new(Vec::new(), 500.0, 60, 60);
        let s = evoked_sequences(&[0, 0], &[7260, 7260], &[600.0, 610.0], N, &none);
        assert_eq!(s.n_evoked, 0);
        assert!(s.evoked_probability.is_nan());
    }
}
