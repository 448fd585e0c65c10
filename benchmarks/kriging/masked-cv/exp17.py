# Features the shared regression has not seen yet (issue 8), on top of the kept ones (exp14's base: kernel features +
# level features): 'diff' road-network diffusion in the manner of IGNNK/INCREASE, i.e. Gaussian-weighted means over ALL
# observed roads reachable downstream (road path t->j) and upstream (j->t) separately, width DW x sigma, of their
# readings and of their departures from their profiles (every kept feature looks at the 4 or 8 nearest only, by the
# shorter direction); 'lr' the neighbours' latent state: a rank-R basis of the visible roads' training departures from
# their profiles, the current state their least-squares loadings, and the road's basis row the kernel mean of its
# neighbours' rows (kriging the basis loadings, not the speeds); 'todc' an hourly residual correction; 'reg' every
# feature again in the congestion regime; 'ff1' the free-flow departure kept (SegmentLevel's sixth); 'lag1' / 'lag' the
# neighbours' kernel mean 1 (and 3) steps earlier, from the nowcasts the zone state keeps. Masked CV on the observed Los-loop sensors as exp12/14.
import os, numpy as np
EX=os.environ.get('EX','').split(',') if os.environ.get('EX') else []
os.environ['EX']=''
import exp8lib as L
from h import neighbours, Dm, SIG
import types
M=types.ModuleType('exp14mod'); _src=open('exp14.py').read(); exec(_src[:_src.index('cvd={}')], M.__dict__)
DW=float(os.environ.get('DW','1.0'))*SIG; R=int(os.environ.get('R','8'))
obs,fold,nf=L.obs,L.fold,L.nf
_basis={}
Q85=np.nanpercentile(L.Xtr,85,0); Q85P=np.percentile(L.P,85,0)
def basis(cand):
    # the rank-R right singular vectors of the visible roads' training departures from their profiles
    key=tuple(cand)
    if key not in _basis:
        A=L.Xtr[:,cand]-L.P[L.todtr][:,cand]; A=np.nan_to_num(A)
        _,s,Vt=np.linalg.svd(A,full_matrices=False); _basis[key]=Vt[:R].T
    return _basis[key]
_state={}
def state(Xr,tod,cand):
    key=(id(Xr),tuple(cand))
    if key not in _state:
        V=basis(cand); A=np.nan_to_num(Xr[:,cand]-L.P[tod][:,cand]); _state[key]=A@V  # V orthonormal: least squares loadings
    return _state[key]
def feats(Xr,tod,t,cand):
    F,B=M.feats(Xr,tod,t,cand); n=len(B); G=[]
    if 'diff' in EX:
        for d in (Dm[t,cand], Dm[cand,t]):
            w=np.exp(-(d/DW)**2)
            if w.sum()<1e-12: G+=[np.zeros(n),np.zeros(n)]; continue
            w=w/w.sum(); G+=[Xr[:,cand]@w-B, (Xr[:,cand]-L.P[tod][:,cand])@w]
    if 'lr' in EX:
        nb,d,up=neighbours(t,cand,L.K); g=np.exp(-(d/L.W)**2); om=g/g.sum() if g.sum()>1e-12 else np.ones(L.K)/L.K
        V=basis(cand); pos={j:i for i,j in enumerate(cand)}; row=om@V[[pos[j] for j in nb]]
        Pk=L.P[tod][:,nb]@om
        G+=[Pk+state(Xr,tod,cand)@row-B]
    if 'todc' in EX:  # a per-time-of-day correction of the residual: one indicator per hour (the masked residual's mean by hour)
        G+=list((np.arange(24)[:,None]==(tod//12)[None,:]).astype(float))
    if {'ff','ff1','ffp'} & set(EX):  # free-flow levels: the wider neighbourhood's median 85th percentile speed less
        # the kernel's (ffp: the percentile of each road's daily profile instead of its readings); ff adds that
        # departure scaled by the kernel's current ratio to its free-flow speed
        Qs=Q85P if 'ffp' in EX else Q85
        nb,d,up=neighbours(t,cand,8); g=np.exp(-(d[:L.K]/L.W)**2); om=g/g.sum() if g.sum()>1e-12 else np.ones(L.K)/L.K
        qk=Qs[nb[:L.K]]@om; G+=[np.full(n,np.median(Qs[nb])-qk)]
        if 'ff' in EX: G+=[(np.median(Qs[nb])-qk)*B/max(qk,1)]
    if {'lag1','lag'} & set(EX):  # the neighbours' kernel mean 1 (lag1), or 1 and 3 (lag), steps earlier less the
        # kernel mean now: the zone state keeps each segment's nowcasts of the last 6 steps (ZoneForecaster.SMOOTHING_STEPS),
        # so the stream could feed both; the first rows repeat the first reading
        nb,d,up=neighbours(t,cand,L.K); g=np.exp(-(d/L.W)**2); om=g/g.sum() if g.sum()>1e-12 else np.ones(L.K)/L.K
        for lag in ((1,3) if 'lag' in EX else (1,)):
            Vl=np.vstack([Xr[:1].repeat(lag,0),Xr[:-lag]])[:,nb]; G.append(Vl@om-B)
    if 'reg' in EX:  # piecewise linear in the congestion regime: every kept feature again, times (kernel mean < RG mph)
        c=(B<float(os.environ.get('RG','50'))).astype(float); F=np.c_[F,F*c[:,None]]
    return (np.c_[F,np.stack(G,1)] if G else F),B
cvd={}
for t in obs:
    cand=np.array([j for j in obs if fold[j]!=fold[t]]); F,B=feats(L.Xtr,L.todtr,t,cand); cvd[t]=(F[::M.STR],B[::M.STR],L.Xtr[::M.STR,t])
ted={t:feats(L.Xte,L.todte,t,obs)+(L.Xte[:,t],) for t in L.hid}
for lam in [0.3,3]:
    e=[]
    for k in range(nf):
        F,B,y=M.st([t for t in obs if fold[t]!=k],cvd); b=L.lad(F,y-B,lam,10)
        Ft,Bt,yt=M.st([t for t in obs if fold[t]==k],cvd); e.append(np.abs(Bt+Ft@b-yt))
    F,B,y=M.st(list(obs),cvd); b=L.lad(F,y-B,lam,10); Ft,Bt,yt=M.st(L.hid,ted)
    print(EX,'SEED',os.environ.get('SEED','1'),'DW',DW/SIG,'R',R,lam,'cv',round(np.mean(np.concatenate(e)),4),'test',round(np.mean(np.abs(Bt+Ft@b-yt)),4),flush=True)
