//! The browser build in a real browser: `web/dist` (from `scripts/web.sh build`) served from a
//! local server and driven in headless Chromium with software WebGL2 by `tests/web/drive.mjs`
//! (playwright-core). The page must draw the sheet and the panel, report a real-time factor, answer
//! a click on the sheet with activity where it clicked, follow the seed in its address, name a
//! bad URL parameter, and simulate in the browser what a native run simulates.
//!
//! Nothing here is skipped: a missing build, browser or driver fails with one line saying how to
//! install it (the README's test command installs all three).
#![cfg(feature = "window")]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Serves `dir` on 127.0.0.1 (a free port) from a background thread; returns the base URL.
fn serve(dir: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let addr = listener.local_addr().expect("the port's address");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || answer(stream, &dir));
        }
    });
    format!("http://{addr}")
}

/// One HTTP/1.0 answer: the file under `dir` named by a GET request, or 404.
fn answer(mut stream: TcpStream, dir: &Path) {
    let mut line = String::new();
    if BufReader::new(&stream).read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").split('?').next().unwrap_or("/").to_string();
    let name = if path == "/" { "index.html".to_string() } else { path.trim_start_matches('/').to_string() };
    let file = dir.join(&name);
    let body = (!name.contains("..")).then(|| std::fs::read(&file).ok()).flatten();
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    };
    let _ = match body {
        Some(b) => stream
            .write_all(
                format!("HTTP/1.0 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\r\n", b.len()).as_bytes(),
            )
            .and_then(|()| stream.write_all(&b)),
        None => stream.write_all(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
    };
}

/// Runs `drive.mjs` against the served build; returns its result and the folder of screenshots.
fn drive() -> (serde_json::Value, tempfile::TempDir) {
    let dist = root().join("web/dist");
    assert!(
        dist.join("index.html").exists() && dist.join("seqscape_bg.wasm").exists(),
        "no browser build in web/dist: run 'scripts/web.sh build' (the README's test command does)"
    );
    let driver = root().join("tests/web");
    assert!(
        driver.join("node_modules/playwright-core").exists(),
        "no playwright-core: run 'npm install --prefix tests/web' (the README's test command does)"
    );
    let chromium = std::env::var("SEQSCAPE_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(Path::new(&chromium).exists(), "no Chromium at {chromium}: install it with 'apt-get install chromium'");
    let base = serve(dist);
    let out = tempfile::tempdir().expect("a scratch folder");
    let mut child = Command::new("node")
        .arg(driver.join("drive.mjs"))
        .arg(&base)
        .arg(out.path())
        .env("SEQSCAPE_CHROMIUM", &chromium)
        .spawn()
        .expect("node runs (install it with 'apt-get install nodejs npm')");
    // A generous watchdog, not a timing: the page loads and runs in a software renderer.
    let mut waited = Duration::ZERO;
    let status = loop {
        if let Some(s) = child.try_wait().expect("the driver's status") {
            break s;
        }
        if waited > Duration::from_secs(900) {
            let _ = child.kill();
            panic!("the browser driver hung for 15 minutes");
        }
        std::thread::sleep(Duration::from_millis(200));
        waited += Duration::from_millis(200);
    };
    assert!(status.success(), "the browser driver failed: {status}");
    let text = std::fs::read_to_string(out.path().join("result.json")).expect("the driver's result.json");
    (serde_json::from_str(&text).expect("result.json is JSON"), out)
}

/// Whether `(r, g, b)` lies within `tol` of a colour of the viridis map (the window's default).
fn viridis_like(r: u8, g: u8, b: u8, tol: i32) -> bool {
    (0..=32).any(|k| {
        let c = colorous::VIRIDIS.eval_rational(k, 32);
        (i32::from(c.r) - i32::from(r)).abs()
            + (i32::from(c.g) - i32::from(g)).abs()
            + (i32::from(c.b) - i32::from(b)).abs()
            <= tol
    })
}

#[test]
fn the_page_runs_the_window_in_chromium() {
    let (result, out) = drive();
    assert!(result.get("error").is_none(), "the page failed: {result:#}");
    eprintln!("first status after {} s; running: {}", result["first_status_s"], result["running"]);

    // The simulation runs and the HUD's real-time factor is reported.
    let running = &result["running"];
    assert!(running["real_time_factor"].as_f64().unwrap_or(0.0) > 0.0, "{running}");
    assert!(running["t_ms"].as_f64().unwrap_or(0.0) > result["first"]["t_ms"].as_f64().unwrap_or(0.0));
    assert_eq!(result["problems_default"].as_str().unwrap_or(""), "", "the default page reported problems");

    // The screenshot shows the colour map (the sheet) and the panel (egui's dark grey, left).
    let shot = image::open(out.path().join("page.png")).expect("the page's screenshot").to_rgb8();
    let (w, h) = shot.dimensions();
    let total = (w * h) as f64;
    let sheet = shot.pixels().filter(|p| viridis_like(p[0], p[1], p[2], 24)).count() as f64;
    assert!(sheet / total > 0.15, "only {:.1} % of the page's pixels are viridis colours", 100.0 * sheet / total);
    let panel = (0..h)
        .flat_map(|y| (0..w / 5).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let p = shot.get_pixel(x, y);
            p[0] == p[1] && p[1] == p[2] && (20..=70).contains(&p[0])
        })
        .count() as f64;
    assert!(
        panel / (total / 5.0) > 0.3,
        "the left fifth is not the panel: {:.1} % grey",
        100.0 * panel / (total / 5.0)
    );

    // A click on the sheet starts activity where it clicked.
    let click = &result["click"];
    let near = click["activity_near_click_peak"].as_f64().unwrap_or(0.0);
    let mean = click["activity_mean"].as_f64().unwrap_or(1.0);
    assert!(near > 2.0 * mean, "peak activity near the click {near} vs the sheet's mean {mean}: {click}");

    // Another seed in the address gives another landscape; an unknown parameter is named.
    let seed3 = &result["seed3"];
    assert_eq!(seed3["seed"].as_u64(), Some(3), "{result:#}");
    assert_ne!(seed3["landscape_hash"], result["first"]["landscape_hash"]);
    let problems = result["problems_seed3"].as_str().unwrap_or("");
    assert!(problems.contains("'colour'"), "the unknown parameter was not named: {problems:?}");

    // The browser's simulation against a native one-thread run of the same seed.
    let web: serde_json::Value = result["spike_summary"].clone();
    let native: serde_json::Value =
        serde_json::from_str(&seqscape::web::spike_summary(7, 1000.0)).expect("the native summary");
    eprintln!("spikes, web: {web}; native: {native}");
    assert!(web.get("error").is_none() && web["spikes"].as_u64().unwrap_or(0) > 0, "{result:#}");
    assert_eq!(web["hash"], native["hash"], "the browser's spikes differ from the native run's");
}
