# Reference vectors for cx.spc, produced by R's qcc 3.0 (github.com/luca-scr/qcc,
# commit af35099, installed with R CMD INSTALL from the exported tree; Debian's
# ggplot2 3.4.1 / patchwork 1.1.2 were accepted by relaxing DESCRIPTION's
# plotting-only version bounds — the computing code is untouched) and by
# independent numerical integration in base R.
#
#   Rscript tests/vectors/spc/generate.R   (from the repository root)
#
# Every vector records the exact call that produced it.
suppressMessages({library(qcc); library(jsonlite)})
out_dir <- "tests/vectors/spc"
meta <- list(tool = paste("R", getRversion(), "+ qcc", packageVersion("qcc")))
# jsonlite prints at most 15 significant digits: numbers are written verbatim with %.17g.
num17 <- function(x) {
  if (is.list(x)) return(lapply(x, num17))
  if (is.numeric(x) && !is.null(x)) {
    s <- ifelse(is.na(x), "null", ifelse(is.infinite(x), ifelse(x > 0, "1e999", "-1e999"), sprintf("%.17g", x)))
    txt <- if (length(x) == 1) s else paste0("[", paste(s, collapse = ", "), "]")
    return(structure(txt, class = "json"))
  }
  x
}
write_vec <- function(name, x) {
  x$provenance <- c(meta, x$provenance)
  writeLines(toJSON(num17(x), auto_unbox = TRUE, null = "null", na = "null", pretty = TRUE, json_verbatim = TRUE),
             file.path(out_dir, paste0(name, ".json")))
}
lim <- function(q) { l <- q$limits; list(lcl = as.numeric(l[, 1]), ucl = as.numeric(l[, 2])) }
viol <- function(q) { v <- as.numeric(q$violations); v[is.na(v)] <- 0; v }
chart <- function(q, call) c(list(call = call,
  statistics = as.numeric(c(q$statistics, q$newstats)), center = as.numeric(q$center),
  std_dev = as.numeric(q$std.dev), nsigmas = q$nsigmas, sizes = as.numeric(c(q$sizes, q$newsizes)),
  violations = viol(q)), lim(q))

## 1. Constants: d2, d3 by base-R quadrature (independent of cx), and qcc's table.
d2 <- function(n) integrate(function(x) 1 - pnorm(x)^n - pnorm(-x)^n, -Inf, Inf,
                            rel.tol = 1e-13, subdivisions = 1000L)$value
range_sf <- function(w, n) 1 - n * integrate(function(x) dnorm(x) * (pnorm(x + w) - pnorm(x))^(n - 1),
                                             -Inf, Inf, rel.tol = 1e-14, subdivisions = 1000L)$value
d3 <- function(n) { m2 <- 2 * integrate(function(w) sapply(w, function(v) v * range_sf(v, n)), 0, Inf,
                                        rel.tol = 1e-12, subdivisions = 1000L)$value
                    sqrt(m2 - d2(n)^2) }
ns <- c(2:30, seq(35, 100, 5))
write_vec("constants", list(
  provenance = list(call = "d2: integrate(1 - pnorm(x)^n - pnorm(-x)^n, -Inf, Inf, rel.tol=1e-13); d3: sqrt(2*integrate(w*(1 - n*integrate(dnorm(x)*(pnorm(x+w)-pnorm(x))^(n-1))), 0, Inf) - d2^2); c4: sqrt(2/(n-1))*gamma(n/2)/gamma((n-1)/2) (qcc_c4: qcc:::qcc.c4, lgamma-based); qcc table: qcc.options('exp.R.unscaled'/'se.R.unscaled')",
                    published = "Harter (1960) Ann. Math. Statist. 31(4) Table 1: d2(5)=2.32593, d2(10)=3.07751, d3(5)=0.86408, d3(10)=0.79705"),
  n = ns, d2 = sapply(ns, d2), d3 = sapply(ns, d3), c4 = sqrt(2 / (ns - 1)) * gamma(ns / 2) / gamma((ns - 1) / 2), qcc_c4 = qcc:::qcc.c4(ns),
  tolerance = list(d2 = 1e-10, d3 = 1e-9, c4 = 1e-14),
  qcc_d2 = qcc.options("exp.R.unscaled")[-1], qcc_d3 = qcc.options("se.R.unscaled")[-1]))

## 2. Piston rings (Montgomery 7th ed. Table 6.3/6.4; qcc `pistonrings`): phase I = 25
## samples, phase II = 15 samples against frozen limits.
data(pistonrings)
d <- qccGroups(data = pistonrings, diameter, sample)
p1 <- d[1:25, ]; p2 <- d[26:40, ]
mat <- as.numeric(t(d))
qx <- qcc(p1, type = "xbar", newdata = p2, plot = FALSE)
qr <- qcc(p1, type = "R", newdata = p2, plot = FALSE)
qs <- qcc(p1, type = "S", newdata = p2, plot = FALSE)
qxs <- qcc(p1, type = "xbar", std.dev = "UWAVE-SD", newdata = p2, plot = FALSE)
qxn <- qcc(p1, type = "xbar", newdata = p2, rules = 1:8, rule.set = "nelson", plot = FALSE)
qxp <- qcc(p1, type = "xbar", newdata = p2, confidence.level = 0.99, plot = FALSE)
qrp <- qcc(p1, type = "R", newdata = p2, confidence.level = 0.99, plot = FALSE)
qsp <- qcc(p1, type = "S", newdata = p2, confidence.level = 0.99, plot = FALSE)
write_vec("pistonrings", list(
  provenance = list(source = "Montgomery (2013) Introduction to SQC 7th ed., Table 6.3 (p. 260) and Table 6.4; Example 6.3: xbarbar = 74.001, Rbar = 0.023"),
  data = mat, ncol = 5, phase1 = 25,
  xbar = chart(qx, "qcc(p1, type='xbar', newdata=p2)"),
  r = chart(qr, "qcc(p1, type='R', newdata=p2)"),
  s = chart(qs, "qcc(p1, type='S', newdata=p2)"),
  xbar_uwave_sd = chart(qxs, "qcc(p1, type='xbar', std.dev='UWAVE-SD', newdata=p2)"),
  xbar_nelson = chart(qxn, "qcc(p1, type='xbar', newdata=p2, rules=1:8, rule.set='nelson')"),
  xbar_prob = chart(qxp, "qcc(p1, type='xbar', newdata=p2, confidence.level=0.99)"),
  r_prob = chart(qrp, "qcc(p1, type='R', newdata=p2, confidence.level=0.99)"),
  s_prob = chart(qsp, "qcc(p1, type='S', newdata=p2, confidence.level=0.99)"),
  tolerance = 1e-9))

## 3. Unequal subgroup sizes (per-point limits): piston rings with NAs punched in.
set.seed(6); dv <- as.matrix(d[1:25, ])
for (i in c(2, 5, 9, 14, 20)) dv[i, sample(5, 1 + i %% 2)] <- NA
qxv <- qcc(dv, type = "xbar", plot = FALSE); qrv <- qcc(dv, type = "R", plot = FALSE)
qsv <- qcc(dv, type = "S", plot = FALSE)
qxm <- qcc(dv, type = "xbar", std.dev = "MVLUE-R", plot = FALSE)
qxf <- qcc(dv, type = "xbar", std.dev = "RMSDF", plot = FALSE)
write_vec("unequal_sizes", list(provenance = list(call = "piston rings samples 1-25 with NA cells (set.seed(6))"),
  data = as.numeric(t(dv)), ncol = 5,
  xbar = chart(qxv, "qcc(dv, type='xbar')"), r = chart(qrv, "qcc(dv, type='R')"),
  s = chart(qsv, "qcc(dv, type='S')"), xbar_mvlue_r = chart(qxm, "qcc(dv, type='xbar', std.dev='MVLUE-R')"),
  xbar_rmsdf = chart(qxf, "qcc(dv, type='xbar', std.dev='RMSDF')"), tolerance = 1e-9))

## 4. Individuals: viscosity (qcc data; Montgomery Exercise), phase I = trial batches.
data(viscosity)
v1 <- viscosity$viscosity[viscosity$trial]; v2 <- viscosity$viscosity[!viscosity$trial]
qi <- qcc(v1, type = "xbar.one", newdata = v2, plot = FALSE)
qisd <- qcc(v1, type = "xbar.one", std.dev = "SD", newdata = v2, plot = FALSE)
qin <- qcc(v1, type = "xbar.one", newdata = v2, rules = 1:8, rule.set = "nelson", plot = FALSE)
qip <- qcc(v1, type = "xbar.one", newdata = v2, confidence.level = 0.95, plot = FALSE)
write_vec("viscosity", list(provenance = list(source = "qcc data(viscosity); Montgomery (2013) Exercise 6.62 / Table 6E.?"),
  data = c(v1, v2), phase1 = length(v1),
  xmr = chart(qi, "qcc(v1, type='xbar.one', newdata=v2)"),
  xmr_sd = chart(qisd, "qcc(v1, type='xbar.one', std.dev='SD', newdata=v2)"),
  xmr_nelson = chart(qin, "qcc(v1, type='xbar.one', newdata=v2, rules=1:8, rule.set='nelson')"),
  xmr_prob = chart(qip, "qcc(v1, type='xbar.one', newdata=v2, confidence.level=0.95)"),
  tolerance = 1e-9))

## 5. Attributes: orange juice (p, np; Montgomery Example 7.1, pbar = 0.2313),
## circuit boards (c; Example 7.3, cbar = 19.85), dyed cloth (u, variable units).
data(orangejuice); oj <- orangejuice[orangejuice$trial, ]; oj2 <- orangejuice[!orangejuice$trial, ]
qp <- qcc(oj$D, sizes = oj$size, type = "p", newdata = oj2$D, newsizes = oj2$size, plot = FALSE)
qnp <- qcc(oj$D, sizes = oj$size, type = "np", plot = FALSE)
qpn <- qcc(oj$D, sizes = oj$size, type = "p", rules = 1:8, rule.set = "nelson", plot = FALSE)
data(circuit); ci <- circuit[circuit$trial, ]; ci2 <- circuit[!circuit$trial, ]
qc <- qcc(ci$x, sizes = ci$size, type = "c", newdata = ci2$x, newsizes = ci2$size, plot = FALSE)
qcp <- qcc(ci$x, sizes = ci$size, type = "c", confidence.level = 0.99, plot = FALSE)
data(dyedcloth)
qu <- qcc(dyedcloth$x, sizes = dyedcloth$size, type = "u", plot = FALSE)
qup <- qcc(dyedcloth$x, sizes = dyedcloth$size, type = "u", confidence.level = 0.95, plot = FALSE)
# variable-size p chart (per-point limits, truncation at 0)
set.seed(7); ps <- sample(20:120, 30, TRUE); pd <- rbinom(30, ps, 0.04)
# (qcc 3.0's probability-limit p chart fails for equal sizes, so it is checked with variable sizes)
qpp <- qcc(pd, sizes = ps, type = "p", confidence.level = 0.99, plot = FALSE)
qpv <- qcc(pd, sizes = ps, type = "p", plot = FALSE); qnpv <- qcc(pd, sizes = ps, type = "np", plot = FALSE)
write_vec("attributes", list(
  provenance = list(source = "Montgomery (2013) Example 7.1 (orange juice, p. 302: pbar = 0.2313), Example 7.3 (circuit boards, p. 320: cbar = 19.85); qcc data orangejuice, circuit, dyedcloth"),
  oj = list(d = oj$D, sizes = oj$size, d2 = oj2$D, sizes2 = oj2$size,
            p = chart(qp, "qcc(oj$D, sizes=oj$size, type='p', newdata=oj2$D, newsizes=oj2$size)"),
            np = chart(qnp, "qcc(oj$D, sizes=oj$size, type='np')"),
            p_nelson = chart(qpn, "qcc(oj$D, sizes=oj$size, type='p', rules=1:8, rule.set='nelson')")),
  circuit = list(x = ci$x, x2 = ci2$x,
            c = chart(qc, "qcc(ci$x, sizes=ci$size, type='c', newdata=ci2$x, newsizes=ci2$size)"),
            c_prob = chart(qcp, "qcc(ci$x, sizes=ci$size, type='c', confidence.level=0.99)")),
  dyedcloth = list(x = dyedcloth$x, sizes = dyedcloth$size,
            u = chart(qu, "qcc(dyedcloth$x, sizes=dyedcloth$size, type='u')"),
            u_prob = chart(qup, "qcc(dyedcloth$x, sizes=dyedcloth$size, type='u', confidence.level=0.95)")),
  variable = list(d = pd, sizes = ps, p = chart(qpv, "qcc(pd, sizes=ps, type='p'); set.seed(7); ps <- sample(20:120, 30, TRUE); pd <- rbinom(30, ps, 0.04)"),
            np = chart(qnpv, "qcc(pd, sizes=ps, type='np')"),
            p_prob = chart(qpp, "qcc(pd, sizes=ps, type='p', confidence.level=0.99)")),
  tolerance = 1e-9))

## 6. Run rules on hand-built series, centre 0 and sigma 1 given (xbar.one):
## per-rule flagged points from qcc's own rule functions.
rule_case <- function(x, set, rules) {
  q <- qcc(x, type = "xbar.one", center = 0, std.dev = 1, rules = rules, rule.set = set, plot = FALSE)
  fn <- if (set == "nelson") "NEL" else "WER"
  per <- lapply(rules, function(r) sort(unique(as.integer(
    get(paste0("qccRulesViolating", fn, r), envir = asNamespace("qcc"))(q)))))
  names(per) <- as.character(rules)
  list(x = x, rule_set = set, rules = rules, violations = viol(q), per_rule = per)
}
cases <- list(
  beyond = c(0.1, 3.2, -0.5, -3.01, 3, -3),
  run8_pos = c(-0.2, rep(0.5, 9), -0.3, 0.2),
  run8_neg = c(rep(0.5, 4), 0, rep(0.5, 5), -0.5),
  run9_pos = c(rep(-0.4, 10), 0.3, rep(-0.4, 3)),
  trend6_pos = c(0, -1, -0.8, -0.6, -0.1, 0.2, 0.9, 1.1, 0.5),
  trend6_neg = c(1, 0.5, 0.5, 0.2, 0.1, -0.3, -0.9, 1),
  alt14_pos = c(rep(c(0.4, -0.4), 8), 0.4, 0.4),
  alt14_neg = c(rep(c(0.4, -0.4), 6), 0.4),
  two3_pos = c(0, 2.1, 0.5, 2.5, 0, -2.2, -2.4, 1),
  two3_neg = c(2.1, -2.2, 2.5, 1.9, 2.1, 0),
  four5_pos = c(0, 1.2, 1.5, 0.2, 1.1, 1.4, 1.8, 0),
  four5_neg = c(1.2, 1.5, -0.2, -1.1, 1.4, 1.8, 0.9),
  within15_pos = c(2, rep(c(0.3, -0.2, 0.5), 6), 1.5),
  within15_neg = c(rep(c(0.3, -0.2), 7), 1.2, rep(0.1, 3)),
  mixture8_pos = c(0, 1.5, -1.5, 1.2, -1.8, 2.0, -1.1, 1.4, -1.3, 1.6, 0),
  mixture8_neg = c(rep(1.5, 9), 0.2))
rc <- list()
for (nm in names(cases)) {
  rc[[paste0(nm, "_nelson")]] <- rule_case(cases[[nm]], "nelson", 1:8)
  rc[[paste0(nm, "_we")]] <- rule_case(cases[[nm]], "western-electric", 1:4)
  rc[[paste0(nm, "_qcc")]] <- rule_case(cases[[nm]], "western-electric", c(1, 4))
}
set.seed(11); long <- round(rnorm(300), 2); long[120:130] <- long[120:130] + 1.8; long[200:206] <- seq(-1, 2, len = 7)
rc[["random_nelson"]] <- rule_case(long, "nelson", 1:8)
rc[["random_we"]] <- rule_case(long, "western-electric", 1:4)
write_vec("rules", list(provenance = list(call = "qcc(x, type='xbar.one', center=0, std.dev=1, rules=..., rule.set=...); per_rule from qcc:::qccRulesViolatingNEL<r>/WER<r> (1-based point indices)"),
  cases = rc))

## 7. EWMA and CUSUM (qcc ewma(), cusum()) on piston rings and viscosity.
qe <- ewma(p1, lambda = 0.2, nsigmas = 3, newdata = p2, plot = FALSE)
qe1 <- ewma(v1, lambda = 0.1, nsigmas = 2.7, plot = FALSE)
qcu <- cusum(p1, decision.interval = 5, se.shift = 1, newdata = p2, plot = FALSE)
qcu1 <- cusum(v1, decision.interval = 4, se.shift = 1.5, plot = FALSE)
ew <- function(q, call) list(call = call, statistics = as.numeric(c(q$statistics, q$newstats)),
  ewma = as.numeric(q$ewma), center = q$center, std_dev = q$std.dev, lcl = as.numeric(q$limits[, 1]),
  ucl = as.numeric(q$limits[, 2]), violations = which(!is.na(q$violations)))
cu <- function(q, call) list(call = call, pos = as.numeric(q$pos), neg = as.numeric(q$neg),
  center = q$center, std_dev = q$std.dev, violations_upper = which(!is.na(q$violations$upper)),
  violations_lower = which(!is.na(q$violations$lower)))
write_vec("ewma_cusum", list(provenance = list(source = "qcc ewma()/cusum()"),
  pistonrings = mat, viscosity = v1, phase1 = 25,
  ewma_pr = ew(qe, "ewma(p1, lambda=0.2, nsigmas=3, newdata=p2)"),
  ewma_visc = ew(qe1, "ewma(v1, lambda=0.1, nsigmas=2.7)"),
  cusum_pr = cu(qcu, "cusum(p1, decision.interval=5, se.shift=1, newdata=p2)"),
  cusum_visc = cu(qcu1, "cusum(v1, decision.interval=4, se.shift=1.5)"), tolerance = 1e-9))

## 8. Capability (qcc processCapability) on piston rings and viscosity.
pc <- function(q, spec, target, call) {
  r <- if (missing(target)) processCapability(q, spec.limits = spec) else processCapability(q, spec.limits = spec, target = target)
  ix <- r$indices
  list(call = call, spec = spec, target = r$target, center = r$center, std_dev = r$std.dev, overall_std_dev = r$overall.std.dev,
       index = rownames(ix), value = as.numeric(ix[, 1]), lower = as.numeric(ix[, 2]), upper = as.numeric(ix[, 3]),
       exp = as.numeric(r$exp), obs = as.numeric(r$obs))
}
q25 <- qcc(p1, type = "xbar", plot = FALSE)
qv <- qcc(v1, type = "xbar.one", plot = FALSE)
sink("/dev/null")
cap <- list(
  pr = pc(q25, c(73.95, 74.05), 74, "processCapability(qcc(p1,'xbar'), spec.limits=c(73.95,74.05), target=74)"),
  pr_off = pc(q25, c(73.97, 74.06), 74.01, "processCapability(qcc(p1,'xbar'), spec.limits=c(73.97,74.06), target=74.01)"),
  visc = pc(qv, c(30, 38), 34, "processCapability(qcc(v1,'xbar.one'), spec.limits=c(30,38), target=34)"),
  visc_usl = pc(qv, c(NA, 36.5), 34, "processCapability(qcc(v1,'xbar.one'), spec.limits=c(NA,36.5), target=34)"))
sink()
write_vec("capability", list(provenance = list(source = "qcc processCapability(), confidence.level = 0.95"),
  pistonrings = as.numeric(t(p1)), viscosity = v1, cases = cap, tolerance = 1e-9))

## 9. Six Sigma: DPMO at sigma levels 1..6 with the 1.5 shift: 1e6 * pnorm(-(s - 1.5)).
s <- c(1, 2, 3, 4, 4.5, 5, 6)
write_vec("sigma", list(provenance = list(call = "dpmo = 1e6 * pnorm(s - 1.5, lower.tail = FALSE)",
  published = "Harry (1988) / Motorola table: 3 sigma 66,807; 4 sigma 6,210; 5 sigma 233; 6 sigma 3.4 DPMO"),
  sigma = s, dpmo = 1e6 * pnorm(s - 1.5, lower.tail = FALSE), tolerance = 1e-12))

## 10. Anhøj run-chart limits: round(log2 n) + 3 and qbinom(0.05, n - 1, 0.5).
n <- 10:100
write_vec("anhoej", list(provenance = list(call = "longest = round(log2(n)) + 3; crossings = qbinom(0.05, n - 1, 0.5) (qicharts2 helper.functions.R)"),
  n = n, longest_run_max = round(log2(n)) + 3, crossings_min = qbinom(0.05, n - 1, 0.5)))
## 11. Rare events. g chart: Benneyan (2001) limits written out in R; t chart: qcc's
## individuals chart on y = t^(1/3.6) (Nelson 1994), limits transformed back.
set.seed(12); gs <- rgeom(40, 1/60); gs[33:36] <- c(2, 1, 4, 0)
gbar <- mean(gs); gsd <- sqrt(gbar * (gbar + 1))
ts <- round(rexp(35, 1/20), 2); ts[30:35] <- ts[30:35] * 6
qt <- qcc(ts^(1/3.6), type = "xbar.one", plot = FALSE)
write_vec("rare", list(provenance = list(call = "g: gbar +/- 3*sqrt(gbar*(gbar+1)), LCL >= 0 (Benneyan 2001); t: qcc(ts^(1/3.6), type='xbar.one') back-transformed ^3.6"),
  g = list(data = gs, center = gbar, lcl = max(0, gbar - 3 * gsd), ucl = gbar + 3 * gsd,
           beyond = which(gs > gbar + 3 * gsd)),
  t = list(data = ts, center = qt$center^3.6, lcl = max(0, qt$limits[1, 1])^3.6, ucl = qt$limits[1, 2]^3.6,
           violations = viol(qt)), tolerance = 1e-9))
## 12. Laney p' and u' (Laney 2002), written out in base R as qicharts2 computes them
## (qic(chart = "pp"/"up")): z = (p - pbar)/sigma_p, sigma_z = mean(|diff(z)|)/1.128.
set.seed(21); ln <- sample(800:1500, 25, TRUE); ld <- rbinom(25, ln, plogis(rnorm(25, qlogis(0.08), 0.25)))
laney <- function(d, n, binom) {
  rate <- sum(d) / sum(n); sp <- if (binom) sqrt(rate * (1 - rate) / n) else sqrt(rate / n)
  z <- (d / n - rate) / sp; sz <- mean(abs(diff(z))) / 1.128
  lcl <- pmax(0, rate - 3 * sp * sz); ucl <- rate + 3 * sp * sz
  if (binom) ucl <- pmin(1, ucl)
  list(center = rate, sigma_z = sz, lcl = lcl, ucl = ucl)
}
write_vec("laney", list(provenance = list(call = "base-R Laney (2002) formulas, sigma_z = mean(|diff(z)|)/1.128 (qicharts2 convention); use constants='qcc' (d2(2) = 1.128)"),
  d = ld, n = ln, p = laney(ld, ln, TRUE), u = laney(ld, ln / 100, FALSE), tolerance = 1e-12))
## 13. Quantiles of the range (probability limits of R charts): base-R integrate + uniroot
## on the range cdf, independent of qtukey (which iterates only to eps = 1e-4).
qrange <- function(p, n) {
  cdf <- function(w) n * integrate(function(x) dnorm(x) * (pnorm(x + w) - pnorm(x))^(n - 1),
                                   -Inf, Inf, rel.tol = 1e-14)$value
  uniroot(function(w) cdf(w) - p, c(1e-6, 12), tol = 1e-15)$root
}
rq <- expand.grid(p = c(0.005, 0.995), n = c(2, 5, 10))
write_vec("range_quantiles", list(provenance = list(call = "uniroot(n*integrate(dnorm(x)*(pnorm(x+w)-pnorm(x))^(n-1)) - p); qtukey(p, n, 1e100) for comparison"),
  p = rq$p, n = rq$n, q = mapply(qrange, rq$p, rq$n), qtukey = qtukey(rq$p, rq$n, 1e100), tolerance = 1e-9))
cat("done\n")
