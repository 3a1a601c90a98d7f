use sakip_lint::read::{read_workbook, ReadOptions};
#[test] #[ignore] fn xmlfuzz() {
    let mut stats = std::collections::BTreeMap::new();
    let mut entries: Vec<_> = std::fs::read_dir("/tmp/xmlfuzz").unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let t = std::time::Instant::now();
        let r = read_workbook(&path, &ReadOptions::default());
        if t.elapsed().as_secs() >= 2 { eprintln!("SLOW {} {:?}", path.display(), t.elapsed()); }
        let key = match &r { Ok(x) => format!("ok {:?}", x.problems.iter().map(|p| p.message_id()).collect::<Vec<_>>()), Err(e) => e.message_id().to_string() };
        *stats.entry(key).or_insert(0) += 1;
    }
    eprintln!("{stats:#?}");
}
