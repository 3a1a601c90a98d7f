use sakip_lint::read::{read_workbook, ReadOptions};
#[test] #[ignore] fn fuzz() {
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let seed0: u64 = std::env::var("SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let dir = tempfile::tempdir().unwrap();
    let srcs: Vec<(Vec<u8>, &str)> = [("fixtures/read/contoh.xlsx","xlsx"),("fixtures/read/contoh.xls","xls"),("fixtures/read/contoh.ods","ods"),("fixtures/bad/terkunci.xlsx","xlsx"),("fixtures/bad/sel-jauh.xlsx","xlsx")]
        .iter().map(|(p,e)| (std::fs::read(p).unwrap(), *e)).collect();
    let mut seed = seed0;
    let mut next = || { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; seed };
    let mut stats = std::collections::BTreeMap::new();
    for round in 0..rounds {
        let (src, ext) = &srcs[(next() as usize) % srcs.len()];
        let mut b = src.clone();
        let k = next() % 4;
        let n = 1 + next() % 30;
        for _ in 0..n {
            let i = 8 + (next() as usize) % (b.len() - 8);
            match k { 0 => b[i] = next() as u8, 1 => b[i] = 0xFF, 2 => b[i] ^= 1 << (next()%8), _ => { let j = 8 + (next() as usize) % (b.len()-8); b.swap(i,j); } }
        }
        let path = dir.path().join(format!("f{round}.{ext}"));
        std::fs::write(&path, &b).unwrap();
        let t = std::time::Instant::now();
        let r = read_workbook(&path, &ReadOptions::default());
        if t.elapsed().as_secs() > 2 { eprintln!("SLOW round {round} seed {seed0} {:?}", t.elapsed()); std::fs::copy(&path, format!("/tmp/slow-{round}.{ext}")).unwrap(); }
        let key = format!("{ext} {}", match &r { Ok(x) if x.problems.is_empty() => "ok".to_string(), Ok(x) => format!("ok+{}", x.problems[0].message_id()), Err(e) => e.message_id().to_string() });
        if let Err(e) = &r { if e.message_id()=="read.io" { eprintln!("IO {e:?}"); } }
        *stats.entry(key).or_insert(0) += 1;
    }
    eprintln!("{stats:#?}");
}
