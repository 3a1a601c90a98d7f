//! The small expression language of row relations (rules/relations.toml):
//! column roles, numbers, + - * /, parentheses and sum(role).

use rust_decimal::Decimal;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(Decimal),
    Role(String),
    Sum(String),
    Bin(Box<Expr>, char, Box<Expr>),
    Neg(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Decimal),
    Ident(String),
    Op(char),
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    while let Some(&c) = cs.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let st = i;
            while cs.get(i).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                i += 1;
            }
            let t: String = cs.get(st..i).unwrap_or_default().iter().collect();
            out.push(Tok::Num(
                Decimal::from_str(&t).map_err(|e| format!("{t}: {e}"))?,
            ));
        } else if c.is_alphabetic() || c == '_' {
            let st = i;
            while cs.get(i).is_some_and(|c| c.is_alphanumeric() || *c == '_') {
                i += 1;
            }
            out.push(Tok::Ident(
                cs.get(st..i).unwrap_or_default().iter().collect(),
            ));
        } else if "+-*/()".contains(c) {
            out.push(Tok::Op(c));
            i += 1;
        } else {
            return Err(format!("unexpected '{c}'"));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn expr(&mut self) -> Result<Expr, String> {
        let mut l = self.term()?;
        while let Some(Tok::Op(c @ ('+' | '-'))) = self.peek().cloned() {
            self.pos += 1;
            let r = self.term()?;
            l = Expr::Bin(Box::new(l), c, Box::new(r));
        }
        Ok(l)
    }
    fn term(&mut self) -> Result<Expr, String> {
        let mut l = self.atom()?;
        while let Some(Tok::Op(c @ ('*' | '/'))) = self.peek().cloned() {
            self.pos += 1;
            let r = self.atom()?;
            l = Expr::Bin(Box::new(l), c, Box::new(r));
        }
        Ok(l)
    }
    fn atom(&mut self) -> Result<Expr, String> {
        match self.next() {
            Some(Tok::Num(n)) => Ok(Expr::Num(n)),
            Some(Tok::Op('-')) => Ok(Expr::Neg(Box::new(self.atom()?))),
            Some(Tok::Op('(')) => {
                let e = self.expr()?;
                match self.next() {
                    Some(Tok::Op(')')) => Ok(e),
                    _ => Err("missing ')'".into()),
                }
            }
            Some(Tok::Ident(name)) if name == "sum" => {
                match (self.next(), self.next(), self.next()) {
                    (Some(Tok::Op('(')), Some(Tok::Ident(role)), Some(Tok::Op(')'))) => {
                        Ok(Expr::Sum(role))
                    }
                    _ => Err("sum() takes one role".into()),
                }
            }
            Some(Tok::Ident(name)) => Ok(Expr::Role(name)),
            other => Err(format!("unexpected {other:?}")),
        }
    }
}

impl Expr {
    pub fn parse(s: &str) -> Result<Expr, String> {
        let mut p = Parser {
            toks: lex(s)?,
            pos: 0,
        };
        let e = p.expr()?;
        if p.pos != p.toks.len() {
            return Err(format!("trailing input in '{s}'"));
        }
        Ok(e)
    }

    /// Roles named by the expression (each once).
    pub fn roles(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<String>) {
        match self {
            Expr::Num(_) => {}
            Expr::Role(r) | Expr::Sum(r) => {
                if !out.contains(r) {
                    out.push(r.clone())
                }
            }
            Expr::Bin(a, _, b) => {
                a.collect(out);
                b.collect(out);
            }
            Expr::Neg(a) => a.collect(out),
        }
    }

    /// Evaluate with `one(role)` giving a role's value in the row and `sum(role)` the sum
    /// of every value of that role (None when it is unknown). None when a value is
    /// missing or on division by zero.
    pub fn eval(
        &self,
        one: &dyn Fn(&str) -> Option<Decimal>,
        sum: &dyn Fn(&str) -> Option<Decimal>,
    ) -> Option<Decimal> {
        match self {
            Expr::Num(n) => Some(*n),
            Expr::Role(r) => one(r),
            Expr::Sum(r) => sum(r),
            Expr::Neg(a) => a.eval(one, sum).map(|x| -x),
            Expr::Bin(a, op, b) => {
                let (x, y) = (a.eval(one, sum)?, b.eval(one, sum)?);
                match op {
                    '+' => x.checked_add(y),
                    '-' => x.checked_sub(y),
                    '*' => x.checked_mul(y),
                    '/' => {
                        if y.is_zero() {
                            None
                        } else {
                            x.checked_div(y)
                        }
                    }
                    _ => None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn parses_and_evaluates() {
        let e = Expr::parse("realisasi / target * 100").unwrap();
        assert_eq!(e.roles(), vec!["realisasi", "target"]);
        let v = e
            .eval(
                &|r| Some(if r == "realisasi" { d("100") } else { d("83") }),
                &|_| None,
            )
            .unwrap();
        assert_eq!(v.round_dp(2), d("120.48"));
        let e = Expr::parse("(2 * target - realisasi) / target * 100").unwrap();
        let v = e
            .eval(
                &|r| Some(if r == "realisasi" { d("8") } else { d("10") }),
                &|_| None,
            )
            .unwrap();
        assert_eq!(v, d("120"));
        let e = Expr::parse("sum(rp)").unwrap();
        assert_eq!(
            e.eval(&|_| None, &|r| (r == "rp").then(|| d("3.5"))),
            Some(d("3.5"))
        );
        assert!(Expr::parse("a +").is_err());
        assert!(Expr::parse("sum(a, b)").is_err());
        let e = Expr::parse("a / b").unwrap();
        assert_eq!(
            e.eval(&|r| Some(if r == "a" { d("1") } else { d("0") }), &|_| None),
            None
        );
    }
}
