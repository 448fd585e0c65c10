# Anomaly transfer (issue 8, INCREASE-style): the hidden road's profile from its neighbours' profiles and the
# neighbours' current departures from their own profiles, additive or relative, as extra features of the shared
# regression (on top of the level features); masked CV on the observed Los-loop sensors as exp12.
import sys, os
EX=os.environ.get('EX','').split(',') if os.environ.get('EX') else []
import exp8lib as L
from h import *
def st(ts,S): return [np.concatenate([S[t][i] for t in ts]) for i in range(3)]
obs,fold,nf=L.obs,L.fold,L.nf
lvl=L.Xtr.mean(0)
if os.environ.get('LV')=='daytype':  # as SegmentLevel.levels: the mean of a weekday and a weekend profile (Los-loop starts on a Thursday)
    wk=np.isin((np.arange(len(L.Xtr))//288)%7,[2,3])
    lvl=0.5*L.Xtr[~wk].mean(0)+0.5*L.Xtr[wk].mean(0)
STR=int(os.environ.get("STR","3"))
def feats(Xr,tod,t,cand):
    F,B=L.feats(Xr,tod,t,cand); n=len(B)
    nb,d,up=neighbours(t,cand,8); Lv=lvl[nb]
    g=np.exp(-(d[:L.K]/L.W)**2); om=g/g.sum() if g.sum()>1e-12 else np.ones(L.K)/L.K
    Bl=Lv[:L.K]@om
    G=[np.full(n,np.median(Lv)-Bl), np.full(n,Lv.mean()-Bl), np.full(n,np.std(Lv[:L.K])), np.full(n,up[:L.K].mean()), np.full(n,np.median(lvl[cand])-Bl)]
    V=Xr[:,nb[:L.K]]; Pk=L.P[tod][:,nb[:L.K]]; Pw=L.P[tod][:,nb]; Po=Pk@om
    if 'pk' in EX:   # each neighbour's profile, nearest first: anomaly transfer with its own weights
        G+= list((Pk-B[:,None]).T)
    if 'levp' in EX:
        G+= [np.median(Pw,1)-B, Pw.mean(1)-B]
    if 'rel' in EX:  # relative anomaly: the wider neighbourhood's median profile times the kernel's speed ratio
        r=B/np.maximum(Po,1); G+= [np.median(Pw,1)*r-B, (Bl+np.median(Lv)-Bl)*r-B]
    if 'lrel' in EX: # level features scaled by the current speed ratio
        r=B/np.maximum(Po,1); G+= [g_*(r-1) for g_ in G[:2]]
    if 'anom' in EX: # median of neighbours' relative departures
        rr=V/np.maximum(Pk,1); G+= [(np.median(rr,1)-1)*Po, (np.median(Xr[:,nb]/np.maximum(Pw,1),1)-1)*Po]
    if 'lag' in EX:
        for lag in (1,3):
            Vl=np.vstack([Xr[:1].repeat(lag,0),Xr[:-lag]])[:,nb[:L.K]]; G.append(Vl@om-B)
    return np.c_[F,np.stack(G,1)],B
cvd={}
for t in obs:
    cand=np.array([j for j in obs if fold[j]!=fold[t]]); F,B=feats(L.Xtr,L.todtr,t,cand); cvd[t]=(F[::STR],B[::STR],L.Xtr[::STR,t])
ted={t:feats(L.Xte,L.todte,t,obs)+(L.Xte[:,t],) for t in L.hid}
for lam in [0.3,3]:
    e=[]
    for k in range(nf):
        F,B,y=st([t for t in obs if fold[t]!=k],cvd); b=L.lad(F,y-B,lam,10)
        Ft,Bt,yt=st([t for t in obs if fold[t]==k],cvd); e.append(np.abs(Bt+Ft@b-yt))
    F,B,y=st(list(obs),cvd); b=L.lad(F,y-B,lam,10); Ft,Bt,yt=st(L.hid,ted)
    print(EX,lam,'cv',round(np.mean(np.concatenate(e)),3),'test',round(np.mean(np.abs(Bt+Ft@b-yt)),3),flush=True)
