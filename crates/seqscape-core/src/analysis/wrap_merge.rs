//! The authors' wrap-merged DBSCAN (`detect_wrap` in `scripts/lib/dbscan_cluster.py` of
//! `babsey/spatio-temporal-activity-sequence`), used for the E-I network's Fig. 8.
//!
//! DBSCAN without wrap runs twice on points `(t / td, x, y)`: once on the neuron ids as they are,
//! once on the ids moved by half the sheet, `(id + n²/2 + n/2) mod n²` (so a cluster cut by an edge
//! of the first pass lies inside the second pass's sheet). The labels of the first pass are then
//! merged: every second-pass cluster that shares spikes with several first-pass labels joins those
//! labels into the smallest of them. This follows the authors' code step by step, with one of its
//! quirks kept and one not:
//!
//! * their code sorts the second-pass labels that pair with several first-pass labels and skips
//!   the first, meant to be the noise label −1; here −1 is skipped by name. The two agree whenever
//!   the second pass's noise pairs with several first-pass labels, as it does in network activity
//!   (their version would skip a real merge in a window without such noise);
//! * kept: the merges run one after the other on the merged labels but with the first pass's label sets,
//!   so a label already merged away is not carried along by a later merge (one iteration: their
//!   loop returns inside its first round).
//!
//! The merged labels are renumbered 0, 1, … in order of each cluster's earliest spike (noise stays
//! −1); the authors' renumbering makes the smallest label −1 when a window has no noise spike, which
//! is not kept.

use std::collections::{BTreeMap, BTreeSet};

use super::AnalysisError;
use super::dbscan::{DbscanOutput, DbscanParams, dbscan_detailed};

/// Wrap-merged DBSCAN of the spikes (`ids` on an `n × n` grid, `t_ms` sorted): the merged labels,
/// the first pass's core flags and the number of clusters. `params.wrap` is ignored (both passes
/// are unwrapped).
pub fn detect_wrap(ids: &[u32], t_ms: &[f64], n: usize, params: &DbscanParams) -> Result<DbscanOutput, AnalysisError> {
    let params = DbscanParams { wrap: false, ..*params };
    let first = dbscan_detailed(ids, t_ms, n, &params)?;
    let n_pop = (n * n) as u64;
    let centre = (n * n / 2 + n / 2) as u64;
    let moved: Vec<u32> = ids.iter().map(|&id| ((u64::from(id) + centre) % n_pop) as u32).collect();
    let second = dbscan_detailed(&moved, t_ms, n, &params)?;
    let merged = merge_labels(&first.labels, &second.labels);
    let (labels, n_clusters) = renumber(&merged);
    Ok(DbscanOutput { labels, core: first.core, n_clusters })
}

/// The authors' merge of first-pass labels through second-pass labels (module docs).
pub fn merge_labels(first: &[i32], second: &[i32]) -> Vec<i32> {
    // The distinct first-pass labels every second-pass label pairs with.
    let mut pairs: BTreeMap<i32, BTreeSet<i32>> = BTreeMap::new();
    for (&a, &b) in first.iter().zip(second) {
        pairs.entry(b).or_default().insert(a);
    }
    let mut merged = first.to_vec();
    let shared: Vec<&BTreeSet<i32>> =
        pairs.iter().filter(|&(&b, set)| b > -1 && set.len() > 1).map(|(_, set)| set).collect();
    for set in shared {
        let targets: Vec<i32> = set.iter().copied().filter(|&l| l > -1).collect();
        let Some(&into) = targets.first() else { continue };
        for l in merged.iter_mut() {
            if targets.contains(l) {
                *l = into;
            }
        }
    }
    merged
}

/// Renumbers labels 0, 1, … in order of first appearance, −1 staying −1.
fn renumber(labels: &[i32]) -> (Vec<i32>, usize) {
    let mut number: BTreeMap<i32, i32> = BTreeMap::new();
    let out = labels
        .iter()
        .map(|&l| {
            if l < 0 {
                return -1;
            }
            let next = number.len() as i32;
            *number.entry(l).or_insert(next)
        })
        .collect();
    (out, number.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::{SyntheticBump, synthesize_spikes};

    fn params() -> DbscanParams {
        DbscanParams { td_ms: 4.0, eps: 4.0, min_samples: 20, wrap: false }
    }

    fn bump(x0: f64, y0: f64, direction_deg: f64, start_ms: f64, end_ms: f64) -> SyntheticBump {
        SyntheticBump { x0, y0, speed_grid_per_s: 200.0, direction_deg, start_ms, end_ms }
    }

    #[test]
    fn a_bump_across_the_x_edge_is_one_cluster_after_the_merge() {
        // Moves in +x from x = 110 across the edge at 120 (to x = 130 ≡ 10).
        let (i, t) = synthesize_spikes(120, &[bump(110.0, 30.0, 0.0, 0.0, 100.0)], 120.0, 0.5, 0.0, 1);
        let plain = dbscan_detailed(&i, &t, 120, &params()).unwrap();
        assert!(plain.n_clusters >= 2, "the unwrapped pass cuts the bump at the edge: {}", plain.n_clusters);
        let merged = detect_wrap(&i, &t, 120, &params()).unwrap();
        assert_eq!(merged.n_clusters, 1);
        assert!(merged.labels.iter().all(|&l| l == 0 || l == -1));
    }

    #[test]
    fn a_bump_across_the_y_edge_is_one_cluster_after_the_merge() {
        let (i, t) = synthesize_spikes(120, &[bump(40.0, 110.0, 90.0, 0.0, 100.0)], 120.0, 0.5, 0.0, 2);
        assert!(dbscan_detailed(&i, &t, 120, &params()).unwrap().n_clusters >= 2);
        assert_eq!(detect_wrap(&i, &t, 120, &params()).unwrap().n_clusters, 1);
    }

    #[test]
    fn separate_bumps_stay_separate() {
        // One bump inside the sheet, one far away at another time, one crossing the corner region
        // of the second pass's cut (the middle of the sheet).
        let bumps = [
            bump(20.0, 20.0, 45.0, 0.0, 80.0),
            bump(80.0, 30.0, 180.0, 150.0, 230.0),
            bump(55.0, 60.0, 0.0, 300.0, 380.0),
        ];
        let (i, t) = synthesize_spikes(120, &bumps, 400.0, 0.5, 0.0, 3);
        let merged = detect_wrap(&i, &t, 120, &params()).unwrap();
        assert_eq!(merged.n_clusters, 3);
        // Numbered in order of the earliest spike.
        let firsts: Vec<i32> = (0..3).map(|c| *merged.labels.iter().find(|&&l| l == c).unwrap()).collect();
        assert_eq!(firsts, vec![0, 1, 2]);
    }

    #[test]
    fn merge_follows_the_authors_label_arithmetic() {
        // Second-pass labels: -1 pairs with {-1, 0} (noise: skipped), 4 pairs
        // with {1, 2} (merged into 1), 5 pairs with {2, 3}: 2 is already 1, so only 3 becomes 2.
        let first = [-1, 0, 1, 2, 2, 3, 0];
        let second = [-1, -1, 4, 4, 5, 5, 7];
        assert_eq!(merge_labels(&first, &second), vec![-1, 0, 1, 1, 1, 2, 0]);
        // Without shared noise every shared real label merges.
        let first = [0, 1, 2, 3];
        let second = [8, 8, 9, 9];
        assert_eq!(merge_labels(&first, &second), vec![0, 0, 2, 2]);
    }
}
