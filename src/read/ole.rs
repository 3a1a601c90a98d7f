//! A strict reader and a minimal writer for OLE2 compound files (MS-CFB), enough to take
//! the workbook stream out of an `.xls` safely and give calamine a well-formed file. Also
//! the bounds-checked little-endian reads the BIFF scan shares.

/// The little-endian `u16` at byte `at` of `b`, if `b` is long enough.
pub(super) fn le_u16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..)?.first_chunk().copied().map(u16::from_le_bytes)
}

/// The little-endian `u32` at byte `at` of `b`, if `b` is long enough.
pub(super) fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..)?.first_chunk().copied().map(u32::from_le_bytes)
}

/// The little-endian `u64` at byte `at` of `b`, if `b` is long enough.
fn le_u64(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..)?.first_chunk().copied().map(u64::from_le_bytes)
}

/// UTF-16LE code units (a trailing odd byte is ignored).
pub(super) fn utf16_units(b: &[u8]) -> Vec<u16> {
    b.chunks_exact(2).filter_map(|u| le_u16(u, 0)).collect()
}

pub const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FREESECT: u32 = 0xFFFF_FFFF;
const FATSECT: u32 = 0xFFFF_FFFD;
const DIFSECT: u32 = 0xFFFF_FFFC;
const MAXREGSECT: u32 = 0xFFFF_FFFA;
const NOSTREAM: u32 = 0xFFFF_FFFF;
const MINI_CUTOFF: u64 = 4096;

#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    start: u32,
    size: u64,
}

pub struct Ole<'a> {
    data: &'a [u8],
    sector_size: usize,
    fat: Vec<u32>,
    minifat: Vec<u32>,
    ministream: Vec<u8>,
    entries: Vec<Entry>,
}

// Past the end reads as 0 (the header, sectors and directory entries these read are
// fixed-size, so that only happens on a short file, which `parse` refuses first).
fn u16_at(d: &[u8], i: usize) -> u16 {
    le_u16(d, i).unwrap_or(0)
}

fn u32_at(d: &[u8], i: usize) -> u32 {
    le_u32(d, i).unwrap_or(0)
}

fn u64_at(d: &[u8], i: usize) -> u64 {
    le_u64(d, i).unwrap_or(0)
}

impl<'a> Ole<'a> {
    /// Parse strictly: every chain is bounded and checked for cycles.
    pub fn parse(data: &'a [u8]) -> Result<Ole<'a>, String> {
        if data.len() < 512 || !data.starts_with(&MAGIC) {
            return Err("not an OLE2 compound file".into());
        }
        let sector_size = match u16_at(data, 30) {
            9 => 512usize,
            12 => 4096usize,
            s => return Err(format!("invalid sector shift {s}")),
        };
        if u16_at(data, 32) != 6 {
            return Err("invalid mini sector shift".into());
        }
        // Sector i starts at (i + 1) * sector_size; a partial last sector is allowed.
        let sectors = data.len().saturating_sub(sector_size).div_ceil(sector_size);
        let mut ole = Ole {
            data,
            sector_size,
            fat: Vec::new(),
            minifat: Vec::new(),
            ministream: Vec::new(),
            entries: Vec::new(),
        };

        // DIFAT: 109 ids in the header, then a chain of DIFAT sectors.
        let mut difat: Vec<u32> = (0..109).map(|i| u32_at(data, 76 + 4 * i)).collect();
        let mut next = u32_at(data, 68);
        let mut hops = 0usize;
        while next < MAXREGSECT {
            hops += 1;
            if hops > sectors {
                return Err("DIFAT chain longer than the file".into());
            }
            let sector = ole.sector(next)?;
            let ids: Vec<u32> = (0..sector_size / 4)
                .map(|i| u32_at(&sector, 4 * i))
                .collect();
            let (last, body) = ids.split_last().ok_or("empty DIFAT sector")?;
            difat.extend_from_slice(body);
            next = *last;
        }
        let fat_sectors: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
        if fat_sectors.len() > sectors {
            return Err("more FAT sectors than sectors in the file".into());
        }
        let mut fat = Vec::with_capacity(fat_sectors.len() * sector_size / 4);
        for id in fat_sectors {
            let sector = ole.sector(id)?;
            fat.extend((0..sector_size / 4).map(|i| u32_at(&sector, 4 * i)));
        }
        ole.fat = fat;

        // Directory.
        let dir = ole.chain(u32_at(data, 48), u64::MAX, false)?;
        let entries: Vec<Entry> = dir
            .chunks_exact(128)
            .map(|e| {
                let units = utf16_units(e.get(..64).unwrap_or_default());
                let mut name = String::from_utf16_lossy(&units);
                if let Some(nul) = name.find('\0') {
                    name.truncate(nul);
                }
                let size = if sector_size == 512 {
                    u64::from(u32_at(e, 120))
                } else {
                    u64_at(e, 120)
                };
                Entry {
                    name,
                    start: u32_at(e, 116),
                    size,
                }
            })
            .collect();
        let root = entries.first().cloned().ok_or("empty directory")?;
        ole.entries = entries;

        // Mini stream and mini FAT.
        let minifat_sectors = u64::from(u32_at(data, 64));
        if minifat_sectors > 0 {
            ole.ministream = ole.chain(root.start, root.size, false)?;
            let minifat = ole.chain(
                u32_at(data, 60),
                minifat_sectors.saturating_mul(sector_size as u64),
                false,
            )?;
            ole.minifat = minifat
                .chunks_exact(4)
                .filter_map(|id| le_u32(id, 0))
                .collect();
        }
        Ok(ole)
    }

    /// One sector, zero-padded when the file ends inside it.
    fn sector(&self, id: u32) -> Result<Vec<u8>, String> {
        let start = (id as usize)
            .checked_add(1)
            .and_then(|i| i.checked_mul(self.sector_size));
        let rest = start
            .and_then(|s| self.data.get(s..))
            .filter(|rest| !rest.is_empty())
            .ok_or_else(|| format!("sector {id} beyond the end of the file"))?;
        let mut v = rest.get(..self.sector_size).unwrap_or(rest).to_vec();
        v.resize(self.sector_size, 0);
        Ok(v)
    }

    /// The bytes of a chain of regular (or mini) sectors, up to `len` bytes.
    fn chain(&self, start: u32, len: u64, mini: bool) -> Result<Vec<u8>, String> {
        let table = if mini { &self.minifat } else { &self.fat };
        let mut visited = vec![false; table.len()];
        let mut out = Vec::new();
        let mut id = start;
        while id != ENDOFCHAIN && (out.len() as u64) < len {
            let idx = id as usize;
            // `visited` is as long as `table`: both are there or neither.
            let (Some(seen), Some(&next)) = (visited.get_mut(idx), table.get(idx)) else {
                return Err(format!("sector {id} outside the allocation table"));
            };
            if *seen {
                return Err(format!("sector chain loops at {id}"));
            }
            *seen = true;
            if mini {
                let from = idx.checked_mul(64).ok_or("mini sector overflow")?;
                let bytes = self
                    .ministream
                    .get(from..)
                    .and_then(|rest| rest.get(..64))
                    .ok_or_else(|| format!("mini sector {id} beyond the mini stream"))?;
                out.extend_from_slice(bytes);
            } else {
                out.extend_from_slice(&self.sector(id)?);
            }
            id = next;
        }
        if (out.len() as u64) > len {
            out.truncate(len as usize);
        }
        Ok(out)
    }

    /// The first directory entry with this name (ASCII case-insensitive), as calamine looks.
    pub fn find(&self, name: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
    }

    pub fn stream(&self, entry: &Entry) -> Result<Vec<u8>, String> {
        if entry.size < MINI_CUTOFF {
            self.chain(entry.start, entry.size, true)
        } else {
            self.chain(entry.start, entry.size, false)
        }
    }
}

/// A version-3 compound file holding one stream, without a mini stream (the stream is
/// zero-padded to 4096 bytes when shorter).
pub fn write_single_stream(name: &str, stream: &[u8]) -> Vec<u8> {
    const SS: usize = 512;
    const PER: usize = SS / 4;
    let mut body = stream.to_vec();
    if (body.len() as u64) < MINI_CUTOFF {
        body.resize(MINI_CUTOFF as usize, 0);
    }
    let n = body.len().div_ceil(SS);
    // FAT sectors f and DIFAT sectors d such that the FAT covers every sector.
    let mut f = 1usize;
    let mut d;
    loop {
        d = if f > 109 {
            (f - 109).div_ceil(PER - 1)
        } else {
            0
        };
        if f * PER >= n + 1 + f + d {
            break;
        }
        f += 1;
    }
    let dir_sector = n as u32;
    let fat_first = n + 1;
    let difat_first = fat_first + f;
    let total = difat_first + d;
    let mut out = Vec::with_capacity((total + 1) * SS);

    // Header.
    out.extend_from_slice(&MAGIC);
    out.resize(24, 0); // CLSID
    // Minor and major version, byte order, sector shift, mini sector shift.
    for v in [0x003Eu16, 3, 0xFFFE, 9, 6] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.resize(44, 0); // reserved; directory sector count (0 in version 3)
    let difat_start = if d > 0 {
        difat_first as u32
    } else {
        ENDOFCHAIN
    };
    for v in [
        f as u32,           // FAT sectors
        dir_sector,         // first directory sector
        0,                  // transaction signature
        MINI_CUTOFF as u32, // mini stream cutoff
        ENDOFCHAIN,         // first mini FAT sector
        0,                  // mini FAT sectors
        difat_start,        // first DIFAT sector
        d as u32,           // DIFAT sectors
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    // The first 109 FAT sector ids.
    for i in 0..109 {
        let id = if i < f {
            (fat_first + i) as u32
        } else {
            FREESECT
        };
        out.extend_from_slice(&id.to_le_bytes());
    }

    // Stream sectors.
    out.extend_from_slice(&body);
    out.resize(SS * (1 + n), 0);

    // Directory sector: root, the stream, two unused entries.
    let entry = |name: &str, typ: u8, child: u32, start: u32, size: u64| {
        let units: Vec<u16> = name.encode_utf16().take(31).collect();
        let mut e = Vec::with_capacity(128);
        for u in &units {
            e.extend_from_slice(&u.to_le_bytes());
        }
        e.resize(64, 0);
        e.extend_from_slice(&(((units.len() + 1) * 2) as u16).to_le_bytes());
        e.push(typ);
        e.push(1); // black
        for v in [NOSTREAM, NOSTREAM, child] {
            e.extend_from_slice(&v.to_le_bytes()); // left, right sibling, child
        }
        e.resize(116, 0); // CLSID, state bits, times
        e.extend_from_slice(&start.to_le_bytes());
        e.extend_from_slice(&size.to_le_bytes());
        e
    };
    out.extend(entry("Root Entry", 5, 1, ENDOFCHAIN, 0));
    out.extend(entry(name, 2, NOSTREAM, 0, body.len() as u64));
    for _ in 0..2 {
        // Unused: no name, siblings and child NOSTREAM.
        let mut e = vec![0u8; 68];
        e.resize(80, 0xFF);
        e.resize(128, 0);
        out.extend(e);
    }

    // FAT sectors: the stream's chain, the directory, the FAT and DIFAT sectors.
    for i in 0..f * PER {
        let id = if i + 1 < n {
            (i + 1) as u32
        } else if i <= n {
            ENDOFCHAIN // the stream's last sector, and the directory
        } else if i < difat_first {
            FATSECT
        } else if i < total {
            DIFSECT
        } else {
            FREESECT
        };
        out.extend_from_slice(&id.to_le_bytes());
    }
    // DIFAT sectors: FAT sector ids beyond the 109 in the header, then the next pointer.
    let extra: Vec<u32> = (109..f).map(|i| (fat_first + i) as u32).collect();
    for k in 0..d {
        let next = if k + 1 < d {
            (difat_first + k + 1) as u32
        } else {
            ENDOFCHAIN
        };
        let ids = extra
            .iter()
            .copied()
            .skip(k * (PER - 1))
            .chain(std::iter::repeat(FREESECT))
            .take(PER - 1)
            .chain([next]);
        for id in ids {
            out.extend_from_slice(&id.to_le_bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ole_round_trip() {
        for len in [0usize, 10, 4095, 4096, 5000, 200_000, 8_000_000] {
            let stream: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let file = write_single_stream("Workbook", &stream);
            let parsed = Ole::parse(&file).expect("parse");
            let entry = parsed.find("workbook").expect("entry");
            let back = parsed.stream(entry).expect("stream");
            assert_eq!(&back[..len], &stream[..], "len {len}");
            assert!(back[len..].iter().all(|&b| b == 0));
        }
    }

    #[test]
    fn ole_rejects_cycles() {
        let mut file = write_single_stream("Workbook", &[1u8; 5000]);
        // Stream sectors 0..=9, the directory in sector 10, the FAT in sector 11, i.e. at
        // file offset (11 + 1) * 512. Point sector 3 back to sector 1.
        let fat = 12 * 512;
        file[fat + 3 * 4..fat + 3 * 4 + 4].copy_from_slice(&1u32.to_le_bytes());
        let parsed = Ole::parse(&file).expect("parse");
        let entry = parsed.find("Workbook").expect("entry");
        assert!(parsed.stream(entry).is_err());
        // A directory chain that loops on itself.
        file[fat + 10 * 4..fat + 10 * 4 + 4].copy_from_slice(&10u32.to_le_bytes());
        assert!(Ole::parse(&file).is_err());
    }

    /// A stream under 4096 bytes lives in the mini stream.
    #[test]
    fn ole_mini_stream() {
        let le = |v: u32| v.to_le_bytes();
        // Sectors: 0 directory, 1 FAT, 2 mini FAT, 3 mini stream (two 64-byte mini sectors).
        let mut f = vec![0u8; 512 * 5];
        f[..8].copy_from_slice(&MAGIC);
        f[26..28].copy_from_slice(&3u16.to_le_bytes());
        f[30..32].copy_from_slice(&9u16.to_le_bytes());
        f[32..34].copy_from_slice(&6u16.to_le_bytes());
        f[44..48].copy_from_slice(&le(1));
        f[48..52].copy_from_slice(&le(0));
        f[56..60].copy_from_slice(&le(4096));
        f[60..64].copy_from_slice(&le(2));
        f[64..68].copy_from_slice(&le(1));
        f[68..72].copy_from_slice(&le(0xFFFF_FFFE));
        f[76..80].copy_from_slice(&le(1));
        for i in 1..109 {
            f[76 + 4 * i..80 + 4 * i].copy_from_slice(&le(0xFFFF_FFFF));
        }
        let sector = |i: usize| 512 * (i + 1);
        let name = |slot: &mut [u8], n: &str| {
            for (i, u) in n.encode_utf16().enumerate() {
                slot[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
            }
        };
        let d = sector(0);
        name(&mut f[d..d + 64], "Root Entry");
        f[d + 116..d + 120].copy_from_slice(&le(3));
        f[d + 120..d + 124].copy_from_slice(&le(128));
        name(&mut f[d + 128..d + 192], "Workbook");
        f[d + 128 + 116..d + 128 + 120].copy_from_slice(&le(0));
        f[d + 128 + 120..d + 128 + 124].copy_from_slice(&le(100));
        let fat = sector(1);
        for (i, v) in [0xFFFF_FFFEu32, 0xFFFF_FFFD, 0xFFFF_FFFE, 0xFFFF_FFFE]
            .iter()
            .enumerate()
        {
            f[fat + 4 * i..fat + 4 * i + 4].copy_from_slice(&le(*v));
        }
        for i in 4..128 {
            f[fat + 4 * i..fat + 4 * i + 4].copy_from_slice(&le(0xFFFF_FFFF));
        }
        let minifat = sector(2);
        f[minifat..minifat + 4].copy_from_slice(&le(1));
        f[minifat + 4..minifat + 8].copy_from_slice(&le(0xFFFF_FFFE));
        let mini = sector(3);
        for i in 0..128 {
            f[mini + i] = i as u8;
        }
        let parsed = Ole::parse(&f).expect("parse");
        let entry = parsed.find("Workbook").expect("entry");
        let stream = parsed.stream(entry).expect("stream");
        assert_eq!(stream, (0..100u8).collect::<Vec<_>>());
        // A mini FAT that loops before the stream's size is reached.
        f[minifat..minifat + 4].copy_from_slice(&le(0));
        let parsed = Ole::parse(&f).expect("parse");
        assert!(
            parsed
                .stream(parsed.find("Workbook").expect("entry"))
                .is_err()
        );
    }
}
