//! Write one LRA-like sheet of N rows (for profiling the scale case):
//! `cargo run --release --example make_lra -- OUT.xlsx 200000`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(rows)) = (args.get(1), args.get(2).and_then(|s| s.parse::<u32>().ok()))
    else {
        return;
    };
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "Kode Rekening",
        "Uraian",
        "Anggaran (Rp)",
        "Realisasi (Rp)",
        "%",
    ]
    .iter()
    .enumerate()
    {
        let _ = ws.write_string(0, c as u16, *h);
    }
    let mut r = 1u32;
    let mut g = 0;
    while r <= rows {
        g += 1;
        let kids = [1_250_000.0 + g as f64, 2_500_000.0, 750_000.0, 3_100_000.0];
        let real = [1_000_000.0, 2_400_000.0, 700_000.0, 3_000_000.0];
        let (a, b): (f64, f64) = (kids.iter().sum(), real.iter().sum());
        let _ = ws.write_string(r, 0, format!("5.1.{g}"));
        let _ = ws.write_string(r, 1, format!("Belanja kelompok {g}"));
        let _ = ws.write_number(r, 2, a);
        let _ = ws.write_number(r, 3, b);
        let _ = ws.write_number(r, 4, (b / a * 10000.0).round() / 100.0);
        r += 1;
        for k in 0..4 {
            let _ = ws.write_string(r, 0, format!("5.1.{g}.{}", k + 1));
            let _ = ws.write_string(r, 1, format!("Belanja rincian {g}.{}", k + 1));
            let _ = ws.write_number(r, 2, kids[k]);
            let _ = ws.write_number(r, 3, real[k]);
            let _ = ws.write_number(r, 4, (real[k] / kids[k] * 10000.0).round() / 100.0);
            r += 1;
        }
    }
    let _ = wb.save(path);
}
